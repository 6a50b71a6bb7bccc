"""Masked-language-model examples from raw text: one sentence per line, masked per batch.

Masking happens when a batch is made (BERT's 80/10/10 rule over ``mask_prob`` of the real
tokens), so every epoch sees other masks of the same sentences.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from nemo.collections.nlp.data._padding import pad_rows
from nemo.core.classes import Dataset

__all__ = ["BertPretrainingDataset"]

IGNORE = -100  # the label of tokens the loss skips (CrossEntropyLoss's ignore_index)


class BertPretrainingDataset(Dataset):
    """``[CLS] sentence [SEP]`` per line of ``data_file``; batches are ``(input_ids,
    token_type_ids, attention_mask, labels)`` with ``labels`` the masked tokens' ids."""

    def __init__(
        self,
        tokenizer: Any,
        data_file: str | Path,
        max_seq_length: int = 128,
        mask_prob: float = 0.15,
        num_samples: int = -1,
    ) -> None:
        path = Path(data_file)
        if not path.is_file():
            raise FileNotFoundError(
                f"data_file {str(path)!r} does not exist: give a UTF-8 text file, one sentence "
                "per line"
            )
        for role in ("cls_id", "sep_id", "pad_id", "mask_id"):
            if getattr(tokenizer, role) is None:
                raise ValueError(
                    f"the tokenizer has no {role.removesuffix('_id')} token, which masked-LM "
                    "pretraining needs: pass special_tokens with cls/sep/pad/mask tokens"
                )
        if not 0.0 < mask_prob < 1.0:
            raise ValueError(f"mask_prob must be between 0 and 1, got {mask_prob}")
        self.tokenizer = tokenizer
        self.mask_prob = mask_prob
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        if num_samples > 0:
            lines = lines[:num_samples]
        if not lines:
            raise ValueError(f"data_file {str(path)!r} holds no text")
        self.examples: list[list[int]] = []
        truncated = 0
        for line in lines:
            ids = tokenizer.text_to_ids(line)
            if len(ids) > max_seq_length - 2:
                ids, truncated = ids[: max_seq_length - 2], truncated + 1
            self.examples.append([tokenizer.cls_id, *ids, tokenizer.sep_id])
        if truncated:
            warnings.warn(
                f"{path}: {truncated} lines were longer than max_seq_length={max_seq_length} "
                "tokens and were truncated",
                UserWarning,
                stacklevel=2,
            )
        self._special = [tokenizer.cls_id, tokenizer.sep_id, tokenizer.pad_id]

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, index: int) -> list[int]:
        return self.examples[index]

    def collate_fn(self, batch: Sequence[list[int]]) -> tuple[torch.Tensor, ...]:
        input_ids, attention = pad_rows(batch, self.tokenizer.pad_id)
        return (input_ids, torch.zeros_like(input_ids), attention, *self.mask(input_ids))

    def mask(self, input_ids: torch.Tensor) -> tuple[torch.Tensor]:
        """Replace ``mask_prob`` of the real tokens: 80% by [MASK], 10% by a random token,
        10% kept; the labels hold the original ids there and IGNORE elsewhere."""
        real = ~torch.isin(input_ids, torch.tensor(self._special))
        chosen = (torch.rand(input_ids.shape) < self.mask_prob) & real
        labels = torch.where(chosen, input_ids, torch.full_like(input_ids, IGNORE))
        roll = torch.rand(input_ids.shape)
        input_ids[chosen & (roll < 0.8)] = self.tokenizer.mask_id
        random_ids = torch.randint(0, self.tokenizer.vocab_size, input_ids.shape)
        swap = chosen & (roll >= 0.8) & (roll < 0.9)
        input_ids[swap] = random_ids[swap]
        return (labels,)
