"""``NLPModel``: what every NLP model here builds the same way (NeMo's base of NLP models).

The ``tokenizer`` section (its files registered as artifacts, a local BERT directory meaning
its WordPiece ``vocab.txt``), the ``language_model`` section (a fresh or pretrained encoder,
built from ``language_model.config`` alone when restored, whose vocabulary must match the
tokenizer's) and the data loaders' common keys.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import torch
from omegaconf import open_dict

from nemo.collections.nlp.modules.common.bert import BertEncoder
from nemo.collections.nlp.modules.common.lm_utils import get_lm_model
from nemo.core.classes import ModelPT
from nemo.core.tokenizers import TokenizerSpec, get_tokenizer
from nemo.utils.model_utils import plain_dict

__all__ = ["NLPModel"]

_TOKENIZER_FILES = ("vocab_file", "tokenizer_model", "merges_file")


class NLPModel(ModelPT):
    """A ``ModelPT`` with a tokenizer and a BERT encoder (``self.bert_model``)."""

    tokenizer: TokenizerSpec
    bert_model: BertEncoder

    def setup_tokenizer(self, section: Any) -> None:
        """Build ``self.tokenizer`` from the ``tokenizer`` config section (NeMo's keys)."""
        config = plain_dict(section or {}, what="tokenizer")
        name = config.get("tokenizer_name")
        if not name:
            raise ValueError(
                "tokenizer.tokenizer_name is not set: name a tokenizer (`nemo list tokenizers`, "
                "e.g. wordpiece with tokenizer.vocab_file) or a local BERT directory"
            )
        if Path(str(name)).is_dir():  # a local BERT checkpoint: its own WordPiece vocabulary
            config["vocab_file"] = config.get("vocab_file") or str(Path(str(name)) / "vocab.txt")
            name = "wordpiece"
            with open_dict(self._cfg):
                self._cfg.tokenizer.tokenizer_name = name
        files = {
            key: self.register_artifact(f"tokenizer.{key}", config[key])
            for key in _TOKENIZER_FILES
            if config.get(key) is not None
        }
        options = {k: config[k] for k in ("do_lower_case",) if config.get(k) is not None}
        self.tokenizer = get_tokenizer(
            str(name), special_tokens=config.get("special_tokens"), **files, **options
        )

    def setup_language_model(self) -> None:
        """Build ``self.bert_model`` from ``language_model`` and record its shape there."""
        section = self._cfg.language_model
        shape = plain_dict(section.get("config") or {}, what="language_model.config")
        pretrained = section.get("pretrained_model_name")
        checkpoint = section.get("lm_checkpoint")
        if self._is_model_being_restored() or not (pretrained or checkpoint):
            shape.setdefault("vocab_size", self.tokenizer.vocab_size)
            encoder = get_lm_model(config_dict=shape)  # restored: the weights follow
        else:
            config_file = section.get("config_file")
            if config_file is not None:
                config_file = self.register_artifact("language_model.config_file", config_file)
            encoder = get_lm_model(
                pretrained_model_name=pretrained, config_dict=shape or None,
                config_file=config_file, checkpoint_file=checkpoint,
            )  # fmt: skip
        if not isinstance(encoder, BertEncoder):
            raise TypeError(f"{type(self).__name__} runs the built-in BERT encoder")
        if encoder.config.vocab_size != self.tokenizer.vocab_size:
            raise ValueError(
                f"the tokenizer has {self.tokenizer.vocab_size} tokens but the encoder's "
                f"embeddings have {encoder.config.vocab_size} rows: give the tokenizer files "
                "the encoder was trained with (tokenizer.vocab_file)"
            )
        with open_dict(self._cfg):
            section.config = dataclasses.asdict(encoder.config)  # all a restored model needs
        self.cfg = self._cfg
        self.bert_model = encoder

    @staticmethod
    def data_loader(
        dataset: Any, config: dict[str, Any], *, training: bool
    ) -> torch.utils.data.DataLoader[Any]:
        """A loader over ``dataset`` with the data set config's NeMo keys."""
        return torch.utils.data.DataLoader(
            dataset,
            batch_size=int(config.get("batch_size", 32)),
            shuffle=bool(config.get("shuffle", training)),
            num_workers=int(config.get("num_workers", 0)),
            drop_last=bool(config.get("drop_last", False)),
            pin_memory=bool(config.get("pin_memory", False)),
            collate_fn=dataset.collate_fn,
        )
