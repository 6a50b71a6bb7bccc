"""EncDecCTCModelBPE: the CTC model over sentencepiece subwords instead of characters.

The config's ``tokenizer: {dir, type: bpe}`` names a directory made by
``tools/process_asr_text_tokenizer.py``; its files are registered as artifacts, so ``save_to``
packs them into the ``.nemo`` archive and a restored model needs nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, open_dict

from nemo.collections.asr.models.ctc_models import _USED_KEYS, EncDecCTCModel
from nemo.collections.asr.parts.submodules.ctc_decoding import AbstractCTCDecoding, CTCBPEDecoding
from nemo.core.tokenizers import SentencePieceTokenizer
from nemo.utils import logging
from nemo.utils.model_utils import plain_dict

__all__ = ["EncDecCTCModelBPE"]

# artifact config key -> file name in the tokenizer directory
_ARTIFACTS = {
    "model_path": "tokenizer.model",
    "vocab_path": "vocab.txt",
    "spe_tokenizer_vocab": "tokenizer.vocab",
}


class EncDecCTCModelBPE(EncDecCTCModel):
    """Subword CTC speech recognition (Citrinet, Conformer-CTC and alike).

    The decoder's vocabulary is the tokenizer's pieces; the blank is the extra, last class.
    Only sentencepiece tokenizers (``type: bpe``) are supported.
    """

    _used_config_keys = _USED_KEYS | {"tokenizer"}

    tokenizer: SentencePieceTokenizer

    def _model_vocabulary(self) -> list[str]:
        self._ensure_tokenizer()
        return self.tokenizer.vocab

    def _make_decoding(self, decoding_cfg: Any) -> AbstractCTCDecoding:
        decoding = CTCBPEDecoding(decoding_cfg, tokenizer=self.tokenizer)
        decoding.time_stride = self._time_stride()
        return decoding

    def _dataset_vocabulary(self, config: Any) -> dict[str, Any]:
        self._ensure_tokenizer()
        return {"tokenizer": self.tokenizer}

    def _ensure_tokenizer(self) -> None:
        """Set up the tokenizer on first need: data sets may ask before the modules exist."""
        if "tokenizer" not in self.__dict__:
            tokenizer_cfg = self._cfg.get("tokenizer")
            if tokenizer_cfg is None:
                raise ValueError(
                    f"{type(self).__name__} needs a tokenizer section in its config: "
                    "tokenizer: {dir: <directory with tokenizer.model>, type: bpe}"
                )
            self._setup_tokenizer(tokenizer_cfg)

    def _setup_tokenizer(self, tokenizer_cfg: DictConfig) -> None:
        """Load the sentencepiece model and register its files as artifacts.

        ``model_path``/``vocab_path``/``spe_tokenizer_vocab`` in the config win over the files
        of ``dir`` (a restored model has ``nemo:`` members there). ``vocab.txt`` and
        ``tokenizer.vocab`` are optional, as in NeMo.
        """
        config = plain_dict(tokenizer_cfg, what="the tokenizer config")
        kind = str(config.get("type", "")).lower()
        if kind != "bpe":
            raise ValueError(
                f"tokenizer.type {config.get('type')!r} is not supported: only 'bpe' "
                "(sentencepiece) tokenizers are; 'wpe' (WordPiece) would need HuggingFace"
            )
        directory = config.get("dir")
        paths: dict[str, str | None] = {}
        for key, filename in _ARTIFACTS.items():
            src = config.get(key) or (str(Path(directory) / filename) if directory else None)
            required = key == "model_path"
            paths[key] = self.register_artifact(f"tokenizer.{key}", src, verify_src_exists=required)
        model_path = paths["model_path"]
        if model_path is None:
            raise ValueError(
                "tokenizer.dir (or tokenizer.model_path) must name the tokenizer: set "
                "tokenizer.dir to a directory holding tokenizer.model"
            )
        self.tokenizer = SentencePieceTokenizer(model_path)
        logging.info("tokenizer %s with %d pieces", model_path, self.tokenizer.vocab_size)

    def change_vocabulary(  # type: ignore[override]
        self,
        new_tokenizer_dir: str | Path,
        new_tokenizer_type: str = "bpe",
        decoding_cfg: DictConfig | None = None,
    ) -> None:
        """Switch to the tokenizer in ``new_tokenizer_dir``, with a fresh decoder over its
        pieces (the encoder keeps its weights)."""
        directory = Path(new_tokenizer_dir)
        if not directory.is_dir():
            raise NotADirectoryError(
                f"new_tokenizer_dir {str(directory)!r} is not a directory: give the directory "
                "holding tokenizer.model"
            )
        with open_dict(self._cfg):
            self._cfg.tokenizer = {"dir": str(directory), "type": new_tokenizer_type}
        self._setup_tokenizer(self._cfg.tokenizer)  # writes the artifact paths into the config
        self._replace_decoder(self.tokenizer.vocab, decoding_cfg)
        self.cfg = self._cfg
        logging.info(
            "the decoder now outputs the %d pieces of %s", self.tokenizer.vocab_size, directory
        )
