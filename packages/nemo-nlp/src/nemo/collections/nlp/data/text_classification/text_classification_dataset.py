"""Sentences with one class each, as BERT inputs (NeMo's ``TextClassificationDataset``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from nemo.collections.nlp.data._padding import pad_rows
from nemo.collections.nlp.data._words import WordEncoder
from nemo.core.classes import Dataset

__all__ = ["TextClassificationDataset"]


class TextClassificationDataset(Dataset):
    """Batches are ``(input_ids, segment_ids, input_mask, label)``, NeMo's order."""

    def __init__(
        self, words: Sequence[Sequence[str]], labels: Sequence[int], encoder: WordEncoder
    ) -> None:
        self.pad_id = encoder.tokenizer.pad_id
        self.features = [
            (encoder.encode(sentence)[0], int(label))
            for sentence, label in zip(words, labels, strict=True)
        ]
        encoder.warn_truncated("text classification data")

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> tuple[list[int], int]:
        return self.features[index]

    def collate_fn(self, batch: Sequence[Any]) -> tuple[torch.Tensor, ...]:
        ids, labels = zip(*batch, strict=True)
        input_ids, attention = pad_rows(ids, self.pad_id)
        return (
            input_ids,
            torch.zeros_like(input_ids),
            attention,
            torch.tensor(labels, dtype=torch.long),
        )
