"""FastPitch with a learned alignment (FastPitch 1.1): text → mel, non-autoregressive.

Config keys follow NeMo's ``fastpitch.yaml`` (``input_fft``, ``output_fft``,
``duration_predictor``, ``pitch_predictor``, ``alignment_module``, ``preprocessor``,
``pitch_mean``/``pitch_std``, ``bin_loss_warmup_epochs``, ...). ``pitch_mean``/``pitch_std``
left null are measured on the training set when it is set up and written into the config, so
the saved model carries them.
"""

from __future__ import annotations

from typing import Any

import pytorch_lightning as pl
import torch
from omegaconf import DictConfig, open_dict

from nemo.collections.tts.data.dataset import TTSDataset, pitch_statistics
from nemo.collections.tts.losses.aligner_loss import BinLoss, ForwardSumLoss
from nemo.collections.tts.models._frontend import (
    MelFrontEnd,
    TextFrontEnd,
    dataloader_from_config,
    mean_of_outputs,
)
from nemo.collections.tts.models.base import SpectrogramGenerator
from nemo.collections.tts.modules.fastpitch import FastPitchModule
from nemo.collections.tts.parts.utils.griffin_lim import griffin_lim, mel_to_linear
from nemo.collections.tts.parts.utils.helpers import mask_from_lens
from nemo.core.classes import typecheck
from nemo.core.neural_types import (
    LengthsType,
    MelSpectrogramType,
    NeuralType,
    TokenIndex,
)
from nemo.utils import logging

__all__ = ["FastPitchModel"]


class FastPitchModel(SpectrogramGenerator):
    def __init__(self, cfg: DictConfig | dict[str, Any], trainer: pl.Trainer | None = None):
        super().__init__(cfg=cfg, trainer=trainer)
        frontend = self.text_frontend
        with open_dict(self._cfg):
            self._cfg.input_fft.n_embed = frontend.tokenizer.vocab_size
            self._cfg.input_fft.padding_idx = frontend.tokenizer.pad_id
        self.preprocessor = self.from_config_dict(self._cfg.preprocessor)
        self.fastpitch = FastPitchModule(
            self.from_config_dict(self._cfg.input_fft),
            self.from_config_dict(self._cfg.output_fft),
            self.from_config_dict(self._cfg.duration_predictor),
            self.from_config_dict(self._cfg.pitch_predictor),
            self.from_config_dict(self._cfg.alignment_module),
            n_mel_channels=self._cfg.n_mel_channels,
            symbols_embedding_dim=self._cfg.symbols_embedding_dim,
            pitch_embedding_kernel_size=self._cfg.pitch_embedding_kernel_size,
            max_token_duration=self._cfg.get("max_token_duration", 75),
        )
        self.forward_sum_loss = ForwardSumLoss()
        self.bin_loss = BinLoss()
        self.cfg = self._cfg

    # -- front ends ------------------------------------------------------------------------------

    @property
    def text_frontend(self) -> TextFrontEnd:
        frontend = self.__dict__.get("_text_frontend")
        if frontend is None:
            frontend = self.__dict__["_text_frontend"] = TextFrontEnd(self._cfg)
        return frontend

    @property
    def mel(self) -> MelFrontEnd:
        return MelFrontEnd(self.preprocessor)

    # -- SpectrogramGenerator --------------------------------------------------------------------

    def parse(self, str_input: str, normalize: bool = True) -> torch.Tensor:
        ids = self.text_frontend.ids(str_input, normalize=normalize)
        return torch.tensor([ids], dtype=torch.long, device=self.device)

    @typecheck(
        input_types={"tokens": NeuralType(("B", "T_text"), TokenIndex())},
        output_types={"spect": NeuralType(("B", "D", "T_spec"), MelSpectrogramType())},
    )
    def generate_spectrogram(
        self, tokens: torch.Tensor, pace: float = 1.0, **kwargs: Any
    ) -> torch.Tensor:
        spect, _ = self.generate_spectrogram_with_lengths(tokens, pace=pace)
        return spect

    def generate_spectrogram_with_lengths(
        self, tokens: torch.Tensor, pace: float = 1.0
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Mel (B, n_mel, T) and each utterance's frame count (the batch is right-padded)."""
        if pace <= 0:
            raise ValueError(f"pace must be > 0 (1.0 is the trained speed), got {pace}")
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                pad = int(self.text_frontend.tokenizer.pad_id or 0)
                lens = torch.ne(tokens, pad).sum(1)
                out = self.fastpitch(tokens, lens, pace=pace)
        finally:
            self.train(was_training)
        spect = out["spect"]
        mask = mask_from_lens(out["spect_lens"], spect.shape[2])
        silence = torch.log(torch.tensor(self.mel.log_zero_guard_value))
        return spect.masked_fill(~mask[:, None, :], float(silence)), out["spect_lens"]

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {
            "spect": NeuralType(("B", "D", "T_spec"), MelSpectrogramType()),
            "spect_lens": NeuralType(("B",), LengthsType()),
        }

    # -- data --------------------------------------------------------------------------------------

    def _dataset(self, config: Any) -> TTSDataset:
        dataset_cfg = config.get("dataset", config)
        mel = self._mel_settings()
        return TTSDataset(
            manifest_filepath=dataset_cfg.manifest_filepath,
            sample_rate=self._cfg.sample_rate,
            text_normalizer=self.text_frontend.normalizer,
            text_tokenizer=self.text_frontend.tokenizer,
            hop_length=mel["hop"],
            win_length=mel["win"],
            pitch_mean=self._cfg.get("pitch_mean"),
            pitch_std=self._cfg.get("pitch_std"),
            min_duration=dataset_cfg.get("min_duration"),
            max_duration=dataset_cfg.get("max_duration"),
            skip_bad_lines=bool(dataset_cfg.get("skip_bad_lines", False)),
        )

    def _mel_settings(self) -> dict[str, int]:
        pre = self._cfg.preprocessor
        return {"hop": int(pre.n_window_stride), "win": int(pre.n_window_size)}

    def setup_training_data(self, train_data_config: Any) -> None:
        dataset = self._dataset(train_data_config)
        if self._cfg.get("pitch_mean") is None or self._cfg.get("pitch_std") is None:
            mean, std = pitch_statistics(dataset)
            logging.info(f"pitch_mean={mean:.2f} Hz, pitch_std={std:.2f} Hz (measured on train)")
            with open_dict(self._cfg):
                self._cfg.pitch_mean, self._cfg.pitch_std = mean, std
            dataset.pitch_mean, dataset.pitch_std = mean, std
        self._train_dl = dataloader_from_config(dataset, train_data_config, shuffle=True)

    def setup_validation_data(self, val_data_config: Any) -> None:
        self._validation_dl = dataloader_from_config(
            self._dataset(val_data_config), val_data_config, shuffle=False
        )

    # -- steps -------------------------------------------------------------------------------------

    def _losses(self, batch: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], Any]:
        mel, mel_lens = self.preprocessor(input_signal=batch["audio"], length=batch["audio_lens"])
        mel = mel[:, :, : int(mel_lens.max())]  # the STFT's extra, partial last frame
        out = self.fastpitch(
            batch["text"],
            batch["text_lens"],
            spec=mel,
            mel_lens=mel_lens,
            attn_prior=batch["align_prior_matrix"][:, : mel.shape[2]],
            pitch_frames=batch["pitch"][:, : mel.shape[2]],
        )
        mel_mask = mask_from_lens(mel_lens, mel.shape[2]).unsqueeze(1)
        mel_loss = ((out["spect"] - mel).pow(2) * mel_mask).sum() / (mel_mask.sum() * mel.shape[1])
        text_mask = out["enc_mask"].to(mel.dtype)
        dur_target = torch.log(out["durs"] + 1)
        dur_loss = ((out["log_durs_predicted"] - dur_target).pow(2) * text_mask).sum()
        pitch_loss = ((out["pitch_predicted"] - out["pitch"]).pow(2) * text_mask).sum()
        tokens = text_mask.sum()
        losses = {
            "mel_loss": mel_loss,
            "dur_loss": self._cfg.get("dur_loss_scale", 0.1) * dur_loss / tokens,
            "pitch_loss": self._cfg.get("pitch_loss_scale", 0.1) * pitch_loss / tokens,
            "ctc_loss": self.forward_sum_loss(out["attn_logprob"], batch["text_lens"], mel_lens),
            "bin_loss": self._bin_loss_weight() * self.bin_loss(out["attn_hard"], out["attn_soft"]),
        }
        return losses, (mel, mel_lens, out)

    def _bin_loss_weight(self) -> float:
        warmup = self._cfg.get("bin_loss_warmup_epochs", 100)
        epoch = self.current_epoch if self._trainer is not None else warmup
        return min(1.0, epoch / warmup) if warmup > 0 else 1.0

    def training_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        losses, _ = self._losses(batch)
        loss = sum(losses.values())
        assert isinstance(loss, torch.Tensor)
        self.log_dict(
            {f"t_{k}": v.detach() for k, v in losses.items()}, batch_size=len(batch["text"])
        )
        self.log("train_loss", loss.detach(), prog_bar=True, batch_size=len(batch["text"]))
        return loss

    def validation_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> dict[str, Any]:
        losses, (mel, mel_lens, out) = self._losses(batch)
        loss = sum(losses.values())
        assert isinstance(loss, torch.Tensor)
        if batch_idx == 0:
            self._log_samples(batch, mel, mel_lens, out)
        return {"val_loss": loss.detach(), "val_mel_loss": losses["mel_loss"].detach()}

    def multi_validation_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any] | None:
        return mean_of_outputs(outputs)

    def _log_samples(self, batch: Any, mel: torch.Tensor, mel_lens: torch.Tensor, out: Any) -> None:
        """Mel images (target, teacher-forced, predicted) and Griffin-Lim audio to TensorBoard."""
        writer = getattr(getattr(self, "logger", None), "experiment", None)
        if writer is None or not hasattr(writer, "add_image"):
            return
        frames = int(mel_lens[0])
        predicted, lens = self.generate_spectrogram_with_lengths(batch["text"][:1])
        images = {
            "target": mel[0, :, :frames],
            "teacher_forced": out["spect"][0, :, :frames],
            "predicted": predicted[0, :, : int(lens[0])],
            "alignment": out["attn_soft"][0, 0, :frames, : int(batch["text_lens"][0])].T,
        }
        for name, image in images.items():
            scaled = (image - image.min()) / (image.max() - image.min()).clamp_min(1e-6)
            writer.add_image(f"val_{name}", scaled.flip(0).unsqueeze(0), self.global_step)
        settings = self.mel
        audio = griffin_lim(
            mel_to_linear(
                predicted[:, :, : int(lens[0])], settings.filterbank, settings.log_zero_guard_value
            ),
            settings.n_fft,
            settings.hop_length,
            settings.win_length,
        )
        peak = audio.abs().max().clamp_min(1e-6)
        writer.add_audio(
            "val_predicted_audio",
            (audio[0] / peak).cpu(),
            self.global_step,
            sample_rate=settings.sample_rate,
        )
