"""``MTEncDecModel``: NeMo's transformer translation model (encoder, decoder, tied output layer).

Tokenizers come from the config's ``encoder_tokenizer``/``decoder_tokenizer`` sections: given
files are used (and packed into the ``.nemo``); with ``tokenizer_model: null`` a SentencePiece
BPE of ``vocab_size`` is trained on the training text first (on both sides when
``shared_tokenizer``), into ``preproc_out_dir``. Vocabularies are padded to a multiple of 8, as
NeMo does. Validation translates with beam search and logs the loss and ``val_sacreBLEU``
(sacrebleu's 13a BLEU on detokenized text: ``pip install 'nemo-nlp[mt]'``).
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig, OmegaConf, open_dict
from torch.nn import functional as F

from nemo.collections.nlp.data._padding import pad_rows
from nemo.collections.nlp.data.machine_translation.machine_translation_dataset import (
    TranslationDataset,
    read_parallel_files,
    special_id,
)
from nemo.collections.nlp.modules.common.classifiers import TokenClassifier
from nemo.collections.nlp.modules.common.transformer.transformer import (
    TransformerDecoderNM,
    TransformerEncoderNM,
)
from nemo.collections.nlp.modules.common.transformer.transformer_generators import (
    BeamSearchSequenceGenerator,
    GreedySequenceGenerator,
)
from nemo.core.classes import ModelPT
from nemo.core.tokenizers import TokenizerSpec, get_tokenizer, train_tokenizer
from nemo.utils import logging
from nemo.utils.model_utils import plain_dict

__all__ = ["MTEncDecModel", "corpus_bleu"]

_SPECIAL_TOKENS = {"pad_token": "<pad>", "bos_token": "<s>", "eos_token": "</s>"}
_TOKENIZER_FILES = ("tokenizer_model", "vocab_file")
_SHAPE_KEYS = (
    "hidden_size", "num_layers", "inner_size", "num_attention_heads", "max_sequence_length",
    "num_token_types", "embedding_dropout", "learn_positional_encodings", "ffn_dropout",
    "attn_score_dropout", "attn_layer_dropout", "hidden_act", "pre_ln", "pre_ln_final_layer_norm",
)  # fmt: skip


def corpus_bleu(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """sacrebleu's corpus BLEU (13a tokenization) of detokenized sentences, 0-100."""
    try:
        import sacrebleu  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        raise ImportError(
            "BLEU needs sacrebleu: pip install 'nemo-nlp[mt]' (or pip install sacrebleu)"
        ) from exc
    return float(sacrebleu.corpus_bleu(list(hypotheses), [list(references)]).score)


def _padded_vocab(tokenizer: TokenizerSpec) -> int:
    return 8 * math.ceil(tokenizer.vocab_size / 8)


class MTEncDecModel(ModelPT):
    """Translate ``src_language`` text to ``tgt_language`` text."""

    encoder_tokenizer: TokenizerSpec
    decoder_tokenizer: TokenizerSpec

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg=cfg, trainer=trainer)
        self._ensure_tokenizers()
        cfg = self._cfg
        encoder_shape = self._shape(cfg.encoder, "encoder")
        decoder_shape = self._shape(
            cfg.decoder, "decoder", default_width=encoder_shape["hidden_size"]
        )
        if decoder_shape["hidden_size"] != encoder_shape["hidden_size"]:
            raise ValueError(
                f"decoder.hidden_size ({decoder_shape['hidden_size']}) differs from "
                f"encoder.hidden_size ({encoder_shape['hidden_size']}): cross-attention needs "
                "one width; set both alike"
            )
        self.encoder = TransformerEncoderNM(
            vocab_size=_padded_vocab(self.encoder_tokenizer),
            padding_idx=special_id(self.encoder_tokenizer, "pad"),
            mask_future=bool(cfg.encoder.get("mask_future", False)),
            **encoder_shape,
        )
        self.decoder = TransformerDecoderNM(
            vocab_size=_padded_vocab(self.decoder_tokenizer),
            padding_idx=special_id(self.decoder_tokenizer, "pad"),
            **decoder_shape,
        )
        head = cfg.get("head") or {}
        self.log_softmax = TokenClassifier(
            hidden_size=decoder_shape["hidden_size"],
            num_classes=self.decoder.vocab_size,
            num_layers=int(head.get("num_layers", 1)),
            activation=str(head.get("activation", "relu")),
            dropout=float(head.get("dropout", 0.0)),
            use_transformer_init=bool(head.get("use_transformer_init", True)),
        )
        # NeMo ties the output layer to the decoder's token embeddings
        self.log_softmax.mlp.layers[-1].weight = self.decoder.embedding.token_embedding.weight
        if cfg.get("share_embeddings", False):
            if not cfg.get("shared_tokenizer", True):
                raise ValueError(
                    "share_embeddings=true needs one vocabulary: set shared_tokenizer=true"
                )
            self.encoder.embedding.token_embedding = self.decoder.embedding.token_embedding
        self._bleu: dict[str, float] = {}

    # -- configuration -------------------------------------------------------------------

    @staticmethod
    def _shape(section: DictConfig, name: str, default_width: int | None = None) -> dict[str, Any]:
        library = section.get("library", "nemo")
        if library != "nemo":
            raise ValueError(
                f"{name}.library={library!r}: translation builds NeMo's own transformer only; "
                f"set {name}.library=nemo"
            )
        if section.get("pretrained", False):
            raise ValueError(f"{name}.pretrained=true: there is no pretrained {name} to load here")
        shape: dict[str, Any] = {}
        for key in _SHAPE_KEYS:
            if key == "hidden_size" and OmegaConf.is_missing(section, key) and default_width:
                shape[key] = default_width
                continue
            if OmegaConf.is_missing(section, key) or key not in section:
                if key in ("hidden_size", "num_layers", "inner_size", "num_attention_heads"):
                    raise ValueError(f"{name}.{key} is not set: give the {name}'s shape")
                continue
            shape[key] = section[key]
        return shape

    def _ensure_tokenizers(self) -> None:
        """Tokenizers on first need: ``ModelPT.__init__`` sets up the data, which needs them."""
        if "encoder_tokenizer" in self.__dict__:
            return
        cfg = self._cfg
        shared = bool(cfg.get("shared_tokenizer", True))
        self.encoder_tokenizer = self._tokenizer(
            "encoder_tokenizer",
            ("src", "tgt") if shared else ("src",),
            aliases=("decoder_tokenizer",) if shared else (),
        )
        if shared:
            self.decoder_tokenizer = self.encoder_tokenizer
        else:
            self.decoder_tokenizer = self._tokenizer("decoder_tokenizer", ("tgt",))

    def _tokenizer(
        self, key: str, sides: tuple[str, ...], aliases: tuple[str, ...] = ()
    ) -> TokenizerSpec:
        """The tokenizer of config section ``key``; the sections ``aliases`` (the decoder's,
        when shared) become copies of it, their files registered from the same source."""
        section = plain_dict(self._cfg.get(key) or {}, what=key)
        library = section.get("library")
        if not library or library == "???":
            raise ValueError(f"{key}.library is not set: name a tokenizer, e.g. sentencepiece")
        if library == "yttm":
            raise ValueError(
                f"{key}.library=yttm: YouTokenToMe does not build on current Pythons; use "
                "library=sentencepiece (BPE subwords too) and retrain the tokenizer"
            )
        if section.get("bpe_dropout") not in (None, 0, 0.0):
            raise ValueError(f"{key}.bpe_dropout={section['bpe_dropout']}: not supported; set 0")
        if not section.get("tokenizer_model") and not section.get("vocab_file"):
            section["tokenizer_model"] = self._train_tokenizer(key, str(library), section, sides)
            with open_dict(self._cfg):
                self._cfg[key].tokenizer_model = section["tokenizer_model"]
        with open_dict(self._cfg):
            for alias in aliases:
                self._cfg[alias] = OmegaConf.create(dict(section))
        files = {}
        for name in _TOKENIZER_FILES:
            if section.get(name):
                files[name] = self.register_artifact(f"{key}.{name}", section[name])
                for alias in aliases:
                    self.register_artifact(f"{alias}.{name}", section[name])
        special = section.get("special_tokens") or _SPECIAL_TOKENS
        return get_tokenizer(str(library), special_tokens=special, **files)

    def _train_tokenizer(
        self, key: str, library: str, section: dict[str, Any], sides: tuple[str, ...]
    ) -> str:
        train = self._cfg.get("train_ds")
        if self._is_model_being_restored() or train is None or not train.get("src_file_name"):
            raise ValueError(
                f"{key}.tokenizer_model is not set and there is no training text to train one "
                "on: give a tokenizer file, or train_ds.src_file_name/tgt_file_name"
            )
        vocab_size = section.get("vocab_size")
        if not vocab_size:
            raise ValueError(f"{key}.vocab_size is not set: say how large a tokenizer to train")
        pairs = read_parallel_files(train.src_file_name, train.tgt_file_name)
        texts = [pair[0 if side == "src" else 1] for side in sides for pair in pairs]
        out_root = self._cfg.get("preproc_out_dir") or tempfile.mkdtemp(prefix="nemo_nmt_")
        out = Path(str(out_root)) / key
        files = train_tokenizer(library, texts, out, int(vocab_size), model_type="bpe")
        logging.info(f"trained a {library} BPE tokenizer of {vocab_size} for {key} in {out}")
        return str(files["tokenizer_model"])

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> Any:
        """Refuse weights made for another vocabulary, naming both sizes."""
        for name, module in (("encoder", self.encoder), ("decoder", self.decoder)):
            key = f"{name}._embedding.token_embedding.weight"
            if key in state_dict and state_dict[key].shape[0] != module.vocab_size:
                raise ValueError(
                    f"the {name} tokenizer gives a vocabulary of {module.vocab_size} rows "
                    f"(padded to a multiple of 8) but the checkpoint's {name} has "
                    f"{state_dict[key].shape[0]}: restore the model with the tokenizer it was "
                    "trained with"
                )
        return super().load_state_dict(state_dict, strict=strict, assign=assign)

    # -- data ----------------------------------------------------------------------------

    def _dataset(self, section: Any) -> TranslationDataset | None:
        if section is None or not section.get("src_file_name") or section.src_file_name == "???":
            return None
        if section.get("use_tarred_dataset", False):
            raise ValueError(
                "use_tarred_dataset=true is not supported: give plain parallel text files "
                "(src_file_name, tgt_file_name)"
            )
        self._ensure_tokenizers()
        return TranslationDataset(
            src_file_name=section.src_file_name,
            tgt_file_name=section.tgt_file_name,
            encoder_tokenizer=self.encoder_tokenizer,
            decoder_tokenizer=self.decoder_tokenizer,
            tokens_in_batch=int(section.get("tokens_in_batch", 512)),
            clean=bool(section.get("clean", False)),
            max_seq_length=int(section.get("max_seq_length", 512)),
            min_seq_length=int(section.get("min_seq_length", 1)),
            num_samples=int(section.get("num_samples", -1)),
            reverse_lang_direction=bool(section.get("reverse_lang_direction", False)),
            too_long=str(section.get("too_long", "truncate")),
        )

    def _loader(self, section: Any, shuffle_default: bool) -> Any:
        dataset = self._dataset(section)
        if dataset is None:
            return None
        return torch.utils.data.DataLoader(
            dataset,
            batch_size=None,  # items are whole batches of ~tokens_in_batch tokens
            shuffle=bool(section.get("shuffle", shuffle_default)),
            num_workers=int(section.get("num_workers", 0)),
            pin_memory=bool(section.get("pin_memory", False)),
        )

    def setup_training_data(self, train_data_config: Any) -> None:
        self._train_dl = self._loader(train_data_config, True)

    def setup_validation_data(self, val_data_config: Any) -> None:
        self._validation_dl = self._loader(val_data_config, False)

    def setup_test_data(self, test_data_config: Any) -> None:
        self._test_dl = self._loader(test_data_config, False)

    # -- steps ---------------------------------------------------------------------------

    def forward(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor,
        tgt: torch.Tensor,
        tgt_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Log-probabilities ``[B, T, V]`` of the next target token at every position."""
        memory = self.encoder(input_ids=src, encoder_mask=src_mask)
        states = self.decoder(
            input_ids=tgt, decoder_mask=tgt_mask, encoder_embeddings=memory, encoder_mask=src_mask
        )
        return F.log_softmax(self.log_softmax(hidden_states=states).float(), dim=-1)

    def _loss(self, batch: Mapping[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        log_probs = self(batch["src_ids"], batch["src_mask"], batch["tgt_ids"], batch["tgt_mask"])
        loss = F.nll_loss(
            log_probs.transpose(1, 2),
            batch["labels"],
            ignore_index=special_id(self.decoder_tokenizer, "pad"),
        )
        smoothing = float(self._cfg.get("label_smoothing") or 0.0)
        if smoothing > 0:
            mask = batch["labels"] != special_id(self.decoder_tokenizer, "pad")
            uniform = -log_probs.mean(-1)[mask].mean()
            loss = (1 - smoothing) * loss + smoothing * uniform
        return loss, log_probs

    def training_step(self, batch: Mapping[str, torch.Tensor], batch_idx: int) -> dict[str, Any]:
        loss, _ = self._loss(batch)
        lr = self._optimizer.param_groups[0]["lr"] if self._optimizer is not None else 0.0
        self.log("train_loss", loss, prog_bar=True, batch_size=int(batch["src_ids"].shape[0]))
        self.log("lr", lr, batch_size=1)
        return {"loss": loss}

    def _eval_step(self, batch: Mapping[str, torch.Tensor]) -> dict[str, Any]:
        loss, _ = self._loss(batch)
        ids = self.generate(batch["src_ids"], batch["src_mask"])
        return {
            "loss": loss.detach(),
            "tokens": int((batch["labels"] != special_id(self.decoder_tokenizer, "pad")).sum()),
            "hypotheses": [self._detokenize(row) for row in ids],
            "references": [self._detokenize(row) for row in batch["labels"]],
            "sources": [self._detokenize(row, self.encoder_tokenizer) for row in batch["src_ids"]],
        }

    def validation_step(
        self, batch: Mapping[str, torch.Tensor], batch_idx: int, dataloader_idx: int = 0
    ) -> dict[str, Any]:
        return self._eval_step(batch)

    def test_step(
        self, batch: Mapping[str, torch.Tensor], batch_idx: int, dataloader_idx: int = 0
    ) -> dict[str, Any]:
        return self._eval_step(batch)

    def _report(self, outputs: list[dict[str, Any]], prefix: str, examples: int) -> dict[str, Any]:
        tokens = sum(o["tokens"] for o in outputs)
        loss = sum(o["loss"] * o["tokens"] for o in outputs) / max(tokens, 1)
        hypotheses = [h for o in outputs for h in o["hypotheses"]]
        references = [r for o in outputs for r in o["references"]]
        bleu = corpus_bleu(hypotheses, references)
        sources = [s for o in outputs for s in o["sources"]]
        for source, hyp, ref in list(zip(sources, hypotheses, references, strict=True))[:examples]:
            logging.info(f"{prefix} example: {source!r} -> {hyp!r} (reference {ref!r})")
        self._bleu[prefix] = bleu
        return {
            f"{prefix}_loss": loss,
            "log": {f"{prefix}_loss": loss, f"{prefix}_sacreBLEU": bleu},
        }

    def multi_validation_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any] | None:
        if not outputs:
            return None
        return self._report(outputs, "val", int(self._cfg.get("num_val_examples", 3)))

    def multi_test_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any] | None:
        if not outputs:
            return None
        return self._report(outputs, "test", int(self._cfg.get("num_test_examples", 3)))

    # -- generation ----------------------------------------------------------------------

    def _generator(
        self, beam_size: int | None = None, use_cache: bool = True
    ) -> GreedySequenceGenerator:
        beam = int(self._cfg.get("beam_size", 4) if beam_size is None else beam_size)
        tokenizer = self.decoder_tokenizer
        common: dict[str, Any] = {
            "decoder": self.decoder,
            "head": lambda states: self.log_softmax(hidden_states=states),
            "pad": special_id(tokenizer, "pad"),
            "bos": special_id(tokenizer, "bos"),
            "eos": special_id(tokenizer, "eos"),
            "max_sequence_length": self.decoder.max_sequence_length,
            "max_delta_length": int(self._cfg.get("max_generation_delta", 10)),
            "use_cache": use_cache,
        }
        if beam <= 1:
            return GreedySequenceGenerator(**common)
        return BeamSearchSequenceGenerator(
            **common, beam_size=beam, len_pen=float(self._cfg.get("len_pen", 0.0))
        )

    @torch.no_grad()
    def generate(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor,
        beam_size: int | None = None,
        use_cache: bool = True,
    ) -> torch.Tensor:
        """Target token ids ``[B, L]`` (``bos`` first) of the sources; beam search when
        ``beam_size`` (default: the config's) is above 1, greedy otherwise."""
        memory = self.encoder(input_ids=src, encoder_mask=src_mask)
        result = self._generator(beam_size, use_cache)(memory, src_mask)
        return result if isinstance(result, torch.Tensor) else result[0]

    def _detokenize(self, ids: torch.Tensor, tokenizer: TokenizerSpec | None = None) -> str:
        tokenizer = tokenizer or self.decoder_tokenizer
        row = [int(i) for i in ids.tolist()]
        eos = special_id(tokenizer, "eos")
        if eos in row[1:]:
            row = row[: row.index(eos, 1)]
        return tokenizer.ids_to_text(row).strip()

    def _check_languages(self, source_lang: str | None, target_lang: str | None) -> None:
        for given, key, side in (
            (source_lang, "src_language", "source"),
            (target_lang, "tgt_language", "target"),
        ):
            own = self._cfg.get(key)
            if given is not None and own is not None and given != own:
                raise ValueError(
                    f"this model translates {self._cfg.get('src_language')} -> "
                    f"{self._cfg.get('tgt_language')}; {side} language {given!r} "
                    "was asked for"
                )

    @torch.no_grad()
    def translate(
        self,
        text: Sequence[str],
        source_lang: str | None = None,
        target_lang: str | None = None,
        return_beam_scores: bool = False,
        log_timing: bool = False,
        batch_size: int = 64,
        beam_size: int | None = None,
        use_cache: bool = True,
    ) -> list[str]:
        """Translations of ``text`` (NeMo's signature); empty strings translate to ``""``.
        ``beam_size`` overrides the config's; ``use_cache=False`` re-runs the decoder over the
        whole prefix at each step (same output, slower: for comparison)."""
        if isinstance(text, str):
            raise TypeError("translate takes a list of sentences; wrap one sentence in a list")
        if return_beam_scores:
            raise ValueError("return_beam_scores=True is not supported; use generate()")
        self._check_languages(source_lang, target_lang)
        tokenizer = self.encoder_tokenizer
        bos, eos = special_id(tokenizer, "bos"), special_id(tokenizer, "eos")
        limit = self.encoder.max_sequence_length
        was_training = self.training
        self.eval()
        started = time.perf_counter()
        results = [""] * len(text)
        try:
            rows = [
                (i, [*[bos, *tokenizer.text_to_ids(t)][: limit - 1], eos])
                for i, t in enumerate(text)
                if t.strip()
            ]
            rows.sort(key=lambda r: len(r[1]))
            for start in range(0, len(rows), batch_size):
                chunk = rows[start : start + batch_size]
                src, mask = pad_rows([ids for _, ids in chunk], special_id(tokenizer, "pad"))
                out = self.generate(src.to(self.device), mask.to(self.device), beam_size, use_cache)
                for (index, _), row in zip(chunk, out, strict=True):
                    results[index] = self._detokenize(row)
        finally:
            self.train(was_training)
        if log_timing:
            logging.info(
                f"translated {len(text)} sentences in {time.perf_counter() - started:.3f} s"
            )
        return results
