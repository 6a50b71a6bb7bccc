"""EncDecCTCModel: audio → mel features → convolutional encoder → CTC head, over characters.

Built from NeMo's model config (``preprocessor``, ``spec_augment``, ``encoder``, ``decoder``,
``decoding``, ``train_ds``/``validation_ds``/``test_ds``, ``optim``); the state dict has NeMo's
keys, so ``.nemo`` archives written by NVIDIA NeMo restore here and the other way round.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pytorch_lightning as pl
import torch
from omegaconf import DictConfig, ListConfig, OmegaConf, open_dict

from nemo.collections.asr.data.audio_to_text_dataset import get_audio_to_text_dataloader
from nemo.collections.asr.losses.ctc import CTCLoss
from nemo.collections.asr.metrics.wer import WER
from nemo.collections.asr.models.asr_model import ASRModel
from nemo.collections.asr.parts.submodules.ctc_decoding import AbstractCTCDecoding, CTCDecoding
from nemo.collections.asr.parts.utils import audio_inputs
from nemo.collections.asr.parts.utils.rnnt_utils import Hypothesis
from nemo.core.classes import typecheck
from nemo.core.neural_types import (
    AudioSignal,
    LabelsType,
    LengthsType,
    LogprobsType,
    NeuralType,
    SpectrogramType,
)
from nemo.utils import logging
from nemo.utils.model_utils import plain_dict

__all__ = ["EncDecCTCModel"]

# Top-level config keys this implementation reads. NeMo writes others (``nemo_version``,
# ``interctc``, ...): they are kept in the config, and named in one warning.
_USED_KEYS = frozenset(
    {
        "sample_rate",
        "labels",
        "train_ds",
        "validation_ds",
        "test_ds",
        "preprocessor",
        "spec_augment",
        "encoder",
        "decoder",
        "decoding",
        "optim",
        "target",
        "ctc_reduction",
        "use_cer",
        "log_prediction",
    }
)
_REQUIRED_KEYS = ("preprocessor", "encoder", "decoder")


class EncDecCTCModel(ASRModel):
    """Character CTC speech recognition (Jasper, QuartzNet and alike).

    The decoder's labels are ``cfg.decoder.vocabulary`` (blank is the extra, last class);
    ``transcribe`` turns audio into text, :meth:`change_vocabulary` swaps the head to fine-tune
    on another alphabet.
    """

    _used_config_keys: frozenset[str] = _USED_KEYS

    def __init__(self, cfg: Any, trainer: pl.Trainer | None = None) -> None:
        super().__init__(cfg=cfg, trainer=trainer)
        missing = [key for key in _REQUIRED_KEYS if self._cfg.get(key) is None]
        if missing:
            raise ValueError(
                f"{type(self).__name__} config lacks the section(s) {', '.join(missing)}: a CTC "
                "model needs preprocessor, encoder and decoder (see examples/asr/conf)"
            )
        self._warn_unused_keys()
        self.preprocessor = self.from_config_dict(self._cfg.preprocessor)
        self.encoder = self.from_config_dict(self._cfg.encoder)
        self._complete_decoder_config()
        self.decoder = self.from_config_dict(self._cfg.decoder)
        self.loss = self._make_loss()
        spec_augment = self._cfg.get("spec_augment")
        self.spec_augmentation = (
            None if spec_augment is None else self.from_config_dict(spec_augment)
        )
        self.decoding = self._make_decoding(self._cfg.get("decoding"))
        self.wer = self._make_wer(
            use_cer=self._cfg.get("use_cer", False),
            log_prediction=self._cfg.get("log_prediction", False),
        )
        self.cfg = self._cfg  # the decoder section was completed: refresh the saved hparams

    # -- construction hooks (overridden by the BPE model) -------------------------------------

    def _model_vocabulary(self) -> list[str] | None:
        """The decoder's labels when the config gives them elsewhere than decoder.vocabulary."""
        if self._cfg.decoder.get("vocabulary") is None and self._cfg.get("labels") is not None:
            return list(self._cfg.labels)
        return None

    def _make_decoding(self, decoding_cfg: Any) -> AbstractCTCDecoding:
        vocabulary = self.decoder.vocabulary
        if not vocabulary:
            raise ValueError("a character CTC model needs decoder.vocabulary (its labels)")
        decoding = CTCDecoding(self._with_language_model(decoding_cfg), vocabulary=vocabulary)
        decoding.time_stride = self._time_stride()
        return decoding

    def _with_language_model(self, decoding_cfg: Any) -> Any:
        """The decoding config with its ``beam.kenlm_path`` registered as an artifact, so the
        language model travels inside the ``.nemo`` (and a restored model reads its copy)."""
        beam = (decoding_cfg or {}).get("beam") or {}
        if not beam.get("kenlm_path"):
            return decoding_cfg
        with open_dict(self._cfg):
            self._cfg.decoding = decoding_cfg
        self.register_artifact("decoding.beam.kenlm_path", str(beam["kenlm_path"]))
        return self._cfg.decoding

    def change_decoding_strategy(self, decoding_cfg: Any) -> None:
        """Decode from now on as ``decoding_cfg`` says (NeMo's method): e.g.
        ``{"strategy": "beam", "beam": {"beam_size": 16, "beam_alpha": 0.5, "beam_beta": 1.0,
        "kenlm_path": "lm.arpa"}}``; the config is kept for ``save_to``."""
        decoding_cfg = OmegaConf.create(plain_dict(decoding_cfg, what="the decoding config"))
        previous = copy.deepcopy(self._cfg.get("decoding"))
        with open_dict(self._cfg):
            self._cfg.decoding = decoding_cfg
        try:
            self.decoding = self._make_decoding(self._cfg.decoding)
        except Exception:
            with open_dict(self._cfg):
                self._cfg.decoding = previous  # a refused config leaves the model as it was
            raise

    def _dataset_vocabulary(self, config: Any) -> dict[str, Any]:
        """What the data sets map transcripts with: the ``labels`` of the data set config,
        else the model's ``labels``, else the decoder's vocabulary."""
        labels = (
            config.get("labels")
            or self._cfg.get("labels")
            or self._cfg.get("decoder", {}).get("vocabulary")
        )
        if not labels:
            raise ValueError(
                "the data set config has no labels and neither has the model (labels, "
                "decoder.vocabulary): set labels to the model's characters"
            )
        return {"labels": list(labels)}

    # -- construction helpers -----------------------------------------------------------------

    def _warn_unused_keys(self) -> None:
        unused = sorted({str(key) for key in self._cfg} - self._used_config_keys)
        if unused:
            logging.warning(
                "%s ignores the config keys %s (written by a NeMo version with features this "
                "implementation lacks); they are kept in the config",
                type(self).__name__,
                ", ".join(unused),
            )

    def _complete_decoder_config(self) -> None:
        """Fill in what the decoder section may leave out: ``feat_in`` (the encoder's output
        size), ``vocabulary`` (see :meth:`_model_vocabulary`) and ``num_classes``."""
        vocabulary = self._model_vocabulary()
        with open_dict(self._cfg):
            decoder_cfg = self._cfg.decoder
            if not decoder_cfg.get("feat_in"):
                decoder_cfg.feat_in = getattr(self.encoder, "_feat_out", None)
            if not decoder_cfg.get("feat_in"):
                raise ValueError(
                    "decoder.feat_in is not set and the encoder does not tell its output size: "
                    "set decoder.feat_in to the encoder's output channels"
                )
            if vocabulary is not None:
                decoder_cfg.vocabulary = ListConfig(list(vocabulary))
            if decoder_cfg.get("num_classes", 0) < 1 and decoder_cfg.get("vocabulary"):
                decoder_cfg.num_classes = len(decoder_cfg.vocabulary)

    def _make_wer(self, *, use_cer: bool, log_prediction: bool) -> WER:
        return WER(
            decoding=self.decoding,
            use_cer=use_cer,
            dist_sync_on_step=True,
            log_prediction=log_prediction,
        )

    def _make_loss(self) -> CTCLoss:
        return CTCLoss(
            num_classes=self.decoder.num_classes_with_blank - 1,
            zero_infinity=True,
            reduction=self._cfg.get("ctc_reduction", "mean_batch"),
        )

    def _time_stride(self) -> float | None:
        """Seconds per encoder output frame: the feature hop times the encoder's subsampling."""
        featurizer = getattr(self.preprocessor, "featurizer", None)
        factor = getattr(self.encoder, "subsampling_factor", None)
        if featurizer is None or factor is None:
            return None
        return float(featurizer.hop_length / featurizer.sample_rate * factor)

    # -- forward ------------------------------------------------------------------------------

    @property
    def input_types(self) -> dict[str, NeuralType]:
        sample_rate = getattr(getattr(self, "preprocessor", None), "_sample_rate", None)
        return {
            "input_signal": NeuralType(("B", "T"), AudioSignal(freq=sample_rate), optional=True),
            "input_signal_length": NeuralType(("B",), LengthsType(), optional=True),
            "processed_signal": NeuralType(("B", "D", "T"), SpectrogramType(), optional=True),
            "processed_signal_length": NeuralType(("B",), LengthsType(), optional=True),
        }

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {
            "outputs": NeuralType(("B", "T", "D"), LogprobsType()),
            "encoded_lengths": NeuralType(("B",), LengthsType()),
            "greedy_predictions": NeuralType(("B", "T"), LabelsType()),
        }

    @typecheck()
    def forward(
        self,
        input_signal: torch.Tensor | None = None,
        input_signal_length: torch.Tensor | None = None,
        processed_signal: torch.Tensor | None = None,
        processed_signal_length: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Log-probs (B, T', V+1), their lengths and the frame-wise argmax, from raw audio
        (``input_signal`` + length) or from features (``processed_signal`` + length)."""
        has_audio = input_signal is not None and input_signal_length is not None
        has_features = processed_signal is not None and processed_signal_length is not None
        if has_audio == has_features:
            raise ValueError(
                f"{type(self).__name__}.forward takes either input_signal and "
                "input_signal_length (audio) or processed_signal and processed_signal_length "
                "(features), not both and not neither"
            )
        if has_audio:
            processed_signal, processed_signal_length = self.preprocessor(
                input_signal=input_signal, length=input_signal_length
            )
        if self.spec_augmentation is not None and self.training:
            processed_signal = self.spec_augmentation(
                input_spec=processed_signal, length=processed_signal_length
            )
        encoded, encoded_len = self.encoder(
            audio_signal=processed_signal, length=processed_signal_length
        )
        log_probs = self.decoder(encoder_output=encoded)
        return log_probs, encoded_len, log_probs.argmax(dim=-1)

    # -- transcription ------------------------------------------------------------------------

    @torch.no_grad()
    def transcribe(
        self,
        audio: Any,
        batch_size: int = 4,
        return_hypotheses: bool = False,
        num_workers: int = 0,
        sample_rate: int | None = None,
        timestamps: bool | None = None,
    ) -> list[str] | list[Hypothesis]:
        """Text of each input, in input order.

        ``audio``: file paths, numpy arrays or tensors (mono, or (time, channels)), or
        ``(array, sample_rate)`` tuples, alone or in a list; bare arrays are at ``sample_rate``
        (default: the model's). Audio at another rate is resampled. Inputs are batched by
        length. With ``return_hypotheses`` (or ``timestamps``) each result is a
        :class:`Hypothesis` with ``text``, word and token ``timestamp`` s in frames and seconds,
        and the utterance's log-probs (T, V+1) in ``y_sequence``.

        Runs in evaluation mode without dither or feature padding, then puts the model back
        as it was. Decision: no input gives ``[]`` (NeMo 1.0 returned ``{}``).
        """
        if audio is None or (isinstance(audio, list | tuple) and len(audio) == 0):
            return []
        model_rate = int(self.preprocessor._sample_rate)
        inputs = audio_inputs.prepare(audio, sample_rate, model_rate, self._min_samples())
        batches = audio_inputs.length_sorted_batches(
            [item.length_at(model_rate) for item in inputs], batch_size
        )
        loader = torch.utils.data.DataLoader(
            audio_inputs.AudioInputDataset(inputs, model_rate),
            batch_sampler=batches,
            num_workers=num_workers,
            collate_fn=audio_inputs.collate_audio,
        )
        want_hypotheses = return_hypotheses or bool(timestamps)
        results: list[Any] = [None] * len(inputs)
        device = next(self.parameters()).device
        with self._inference_mode():
            for indices, (signal, lengths) in zip(batches, loader, strict=True):
                log_probs, encoded_len, _ = self.forward(
                    input_signal=signal.to(device), input_signal_length=lengths.to(device)
                )
                hypotheses = self.decoding.ctc_decoder_predictions_tensor(
                    log_probs, encoded_len, return_hypotheses=want_hypotheses
                )
                for row, (index, hypothesis) in enumerate(zip(indices, hypotheses, strict=True)):
                    if want_hypotheses:
                        hypothesis.y_sequence = log_probs[row, : int(encoded_len[row])].cpu()
                        results[index] = hypothesis
                    else:
                        results[index] = hypothesis.text
        return results

    def _min_samples(self) -> int:
        """Fewest samples whose features have the two frames normalisation needs."""
        featurizer = self.preprocessor.featurizer
        samples = 2 * int(featurizer.hop_length)  # enough unless the STFT pads less than n_fft
        while int(featurizer.get_seq_len(torch.tensor(samples))) < 2:
            samples += 1
        return samples

    @contextmanager
    def _inference_mode(self) -> Iterator[None]:
        """Evaluation mode, no dither, no padding of the feature frames; restored on exit."""
        featurizer = self.preprocessor.featurizer
        modes = [(module, module.training) for module in self.modules()]
        dither, pad_to = featurizer.dither, featurizer.pad_to
        featurizer.dither, featurizer.pad_to = 0.0, 0
        self.eval()
        try:
            yield
        finally:
            featurizer.dither, featurizer.pad_to = dither, pad_to
            for module, training in modes:
                module.training = training

    # -- vocabulary -----------------------------------------------------------------------------

    def change_vocabulary(
        self, new_vocabulary: Sequence[str], decoding_cfg: DictConfig | None = None
    ) -> None:
        """Replace the decoder by a fresh one over ``new_vocabulary`` (e.g. to fine-tune on
        another alphabet); the encoder keeps its weights. The data set configs get the new
        labels too."""
        new_vocabulary = list(new_vocabulary or [])
        if not new_vocabulary:
            raise ValueError(
                "change_vocabulary needs a non-empty list of labels, e.g. [' ', 'a', 'b', ...]"
            )
        if self.decoder.vocabulary == new_vocabulary:
            logging.warning("the new vocabulary is the current one: the decoder is kept")
            return
        self._replace_decoder(new_vocabulary, decoding_cfg)
        with open_dict(self._cfg):
            if self._cfg.get("labels") is not None:
                self._cfg.labels = ListConfig(new_vocabulary)
            for key in ("train_ds", "validation_ds", "test_ds"):
                if self._cfg.get(key) is not None:
                    self._cfg[key].labels = ListConfig(new_vocabulary)
        self.cfg = self._cfg
        logging.info("the decoder now outputs %d labels: %s", len(new_vocabulary), new_vocabulary)

    def _replace_decoder(self, vocabulary: list[str], decoding_cfg: DictConfig | None) -> None:
        """New decoder (fresh weights), loss, decoding and metric for ``vocabulary``."""
        decoder_cfg = copy.deepcopy(self._cfg.decoder)
        with open_dict(decoder_cfg):
            decoder_cfg.vocabulary = ListConfig(vocabulary)
            decoder_cfg.num_classes = len(vocabulary)
        self.decoder = self.from_config_dict(decoder_cfg)
        self.loss = self._make_loss()
        if decoding_cfg is None:
            decoding_cfg = self._cfg.get("decoding")
        self.decoding = self._make_decoding(decoding_cfg)
        self.wer = self._make_wer(use_cer=self.wer.use_cer, log_prediction=self.wer.log_prediction)
        with open_dict(self._cfg):
            self._cfg.decoder = decoder_cfg
            if decoding_cfg is not None:
                self._cfg.decoding = decoding_cfg

    # -- data -----------------------------------------------------------------------------------

    def setup_training_data(self, train_data_config: DictConfig | dict[str, Any]) -> None:
        self._train_dl = self._setup_split("train", train_data_config, shuffle=True)

    def setup_validation_data(self, val_data_config: DictConfig | dict[str, Any]) -> None:
        self._validation_dl = self._setup_split("validation", val_data_config, shuffle=False)

    def setup_test_data(self, test_data_config: DictConfig | dict[str, Any]) -> None:
        self._test_dl = self._setup_split("test", test_data_config, shuffle=False)

    def _setup_split(
        self, split: str, data_config: DictConfig | dict[str, Any], *, shuffle: bool
    ) -> Any:
        """The loader of one split; ``shuffle`` is the default when the config does not say."""
        config = plain_dict(data_config, what=f"{split}_ds")
        config.setdefault("shuffle", shuffle)
        self._update_dataset_config(split, config)
        return self._setup_dataloader_from_config(config)

    def _setup_dataloader_from_config(self, config: Mapping[str, Any]) -> Any:
        """The data set's loader (None, with a warning, when its manifest_filepath is null)."""
        config = plain_dict(config, what="the dataset config")
        if config.get("sample_rate") is None:  # NeMo injects the model's sample rate
            config["sample_rate"] = self._cfg.get("sample_rate", 16000)
        return get_audio_to_text_dataloader(
            config,
            **self._dataset_vocabulary(config),
            global_rank=self.global_rank,
            world_size=self.world_size,
        )

    # -- steps ----------------------------------------------------------------------------------

    def training_step(self, batch: Any, batch_idx: int) -> dict[str, Any]:
        loss, scored = self._forward_loss(batch)
        logs: dict[str, Any] = {"train_loss": loss.detach()}
        optimizers = self._trainer.optimizers if self._trainer is not None else []
        if optimizers:
            logs["learning_rate"] = float(optimizers[0].param_groups[0]["lr"])
        every = self._trainer.log_every_n_steps if self._trainer is not None else 1
        if (batch_idx + 1) % max(1, every) == 0:
            wer, _, _ = self._batch_wer(*scored)
            logs["training_batch_wer"] = wer
        return {"loss": loss, "log": logs}

    def validation_step(
        self, batch: Any, batch_idx: int, dataloader_idx: int = 0
    ) -> dict[str, Any]:
        loss, scored = self._forward_loss(batch)
        wer, errors, words = self._batch_wer(*scored)
        return {"val_loss": loss, "val_wer_num": errors, "val_wer_denom": words, "val_wer": wer}

    def test_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> dict[str, Any]:
        logs = self.validation_step(batch, batch_idx, dataloader_idx)
        return {name.replace("val_", "test_", 1): value for name, value in logs.items()}

    def _forward_loss(self, batch: Any) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """The CTC loss of a batch, and ``(log_probs, encoded_len, transcript, transcript_len)``
        for :meth:`_batch_wer`."""
        signal, signal_len, transcript, transcript_len = batch
        log_probs, encoded_len, _ = self.forward(
            input_signal=signal, input_signal_length=signal_len
        )
        loss = self.loss(
            log_probs=log_probs,
            targets=transcript,
            input_lengths=encoded_len,
            target_lengths=transcript_len,
        )
        return loss, (log_probs, encoded_len, transcript, transcript_len)

    def _batch_wer(
        self,
        log_probs: torch.Tensor,
        encoded_len: torch.Tensor,
        transcript: torch.Tensor,
        transcript_len: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(wer, word errors, reference words)`` of this batch alone."""
        self.wer.update(
            predictions=log_probs,
            predictions_lengths=encoded_len,
            targets=transcript,
            targets_lengths=transcript_len,
        )
        result = self.wer.compute()
        self.wer.reset()
        return result
