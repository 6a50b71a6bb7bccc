"""``BERTLMModel``: masked-language-model pretraining of a BERT encoder from raw text (NeMo's).

Config keys are NeMo's (``examples/nlp/language_modeling/conf``): ``language_model``,
``tokenizer``, ``max_seq_length``, ``mask_prob``, ``only_mlm_loss``, ``train_ds``/
``validation_ds`` with ``data_file``. Next-sentence prediction is not offered (the command
corpora here are single sentences): ``only_mlm_loss`` must be true. :meth:`save_encoder`
writes the encoder in Hugging Face's layout, which ``get_lm_model`` (and ``transformers``)
load, so a fine-tuning config names it as ``language_model.pretrained_model_name``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from nemo.collections.nlp.data.language_modeling.lm_bert_dataset import (
    IGNORE,
    BertPretrainingDataset,
)
from nemo.collections.nlp.models.nlp_model import NLPModel
from nemo.collections.nlp.modules.common._checkpoints import save_encoder_checkpoint
from nemo.collections.nlp.modules.common.bert import BertEncoder
from nemo.utils.model_utils import plain_dict

__all__ = ["BERTLMModel"]


class _MaskedLMHead(nn.Module):
    """BERT's prediction head: dense → GELU → LayerNorm → logits tied to the word embeddings."""

    def __init__(self, encoder: BertEncoder) -> None:
        super().__init__()
        hidden = encoder.config.hidden_size
        self.dense = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=encoder.config.layer_norm_eps)
        self.decoder = nn.Linear(hidden, encoder.config.vocab_size)
        self.decoder.weight = encoder.embeddings.word_embeddings.weight

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.norm(nn.functional.gelu(self.dense(hidden_states))))  # type: ignore[no-any-return]


class BERTLMModel(NLPModel):
    """A BERT encoder learning to fill in masked words of the training text."""

    head_name = "mlm_head"

    def _ensure_tokenizer(self) -> None:
        if "tokenizer" in self.__dict__:
            return
        if not self._cfg.get("only_mlm_loss", False):
            raise ValueError(
                "BERTLMModel here pretrains with the masked-LM loss only (no next-sentence "
                "prediction): set model.only_mlm_loss: true"
            )
        super()._ensure_tokenizer()

    def build_head(self) -> None:
        encoder = self.bert_model
        self.mlm_head = _MaskedLMHead(encoder)
        self.loss = nn.CrossEntropyLoss(ignore_index=IGNORE)

    def _loader(self, section: Any, *, training: bool) -> torch.utils.data.DataLoader[Any]:
        self._ensure_tokenizer()
        config = plain_dict(section, what="data set config")
        if not config.get("data_file"):
            raise ValueError(
                "the data set config needs data_file: a text file, one sentence a line"
            )
        dataset = BertPretrainingDataset(
            self.tokenizer,
            config["data_file"],
            max_seq_length=int(config.get("max_seq_length", self._cfg.get("max_seq_length", 128))),
            mask_prob=float(config.get("mask_prob", self._cfg.get("mask_prob", 0.15))),
            num_samples=int(config.get("num_samples", -1)),
        )
        return self.data_loader(dataset, config, training=training)

    def compute_loss(self, batch: Sequence[torch.Tensor]) -> tuple[torch.Tensor, None]:
        input_ids, token_types, attention, labels = batch
        logits = self(input_ids, attention, token_types)
        return self.loss(logits.flatten(0, 1), labels.flatten()), None

    def epoch_metrics(self, split: str, loss: torch.Tensor) -> dict[str, torch.Tensor]:
        return {f"{split}_perplexity": loss.exp()}

    def save_encoder(self, directory: str | Path) -> Path:
        """The encoder as a Hugging Face BERT directory: config.json, model.safetensors and
        the tokenizer's vocab.txt."""
        return save_encoder_checkpoint(
            self.bert_model, directory, getattr(self.tokenizer, "vocab_file", None)
        )
