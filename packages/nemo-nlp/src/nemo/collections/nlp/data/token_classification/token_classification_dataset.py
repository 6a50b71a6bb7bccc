"""Words with one label each as BERT inputs (NeMo's ``BertTokenClassificationDataset``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from nemo.collections.nlp.data._padding import pad_rows
from nemo.collections.nlp.data._words import LabelledTokens, WordEncoder
from nemo.core.classes import Dataset

__all__ = ["TokenClassificationDataset"]


class TokenClassificationDataset(Dataset):
    """Batches are ``(input_ids, segment_ids, input_mask, subtokens_mask, loss_mask, labels)``,
    NeMo's order."""

    def __init__(
        self,
        words: Sequence[Sequence[str]],
        labels: Sequence[Sequence[int]],
        encoder: WordEncoder,
        pad_label: int,
        ignore_extra_tokens: bool = False,
        ignore_start_end: bool = False,
    ) -> None:
        self.pad_id = encoder.tokenizer.pad_id
        self.pad_label = pad_label
        self.features: list[LabelledTokens] = [
            encoder.encode_labelled(
                sentence,
                row,
                pad_label,
                ignore_extra_tokens=ignore_extra_tokens,
                ignore_start_end=ignore_start_end,
            )
            for sentence, row in zip(words, labels, strict=True)
        ]
        encoder.warn_truncated("token classification data")

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> LabelledTokens:
        return self.features[index]

    def collate_fn(self, batch: Sequence[Any]) -> tuple[torch.Tensor, ...]:
        ids, loss, subtokens, labels = zip(*batch, strict=True)
        input_ids, attention = pad_rows(ids, self.pad_id)
        return (
            input_ids,
            torch.zeros_like(input_ids),
            attention,
            pad_rows(subtokens, 0)[0],
            pad_rows(loss, 0)[0],
            pad_rows(labels, self.pad_label)[0],
        )
