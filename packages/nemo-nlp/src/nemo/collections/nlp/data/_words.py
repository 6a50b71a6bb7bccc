"""Space-separated words as BERT inputs, shared by every word-labelling data set here.

``[CLS] subwords… [SEP]``, each word tokenized on its own (as NeMo's data sets do) so that a
word's label can sit on its first sub-token (``subtokens_mask``); ``loss_mask`` also leaves
out [CLS]/[SEP] (``ignore_start_end``) and a word's further sub-tokens
(``ignore_extra_tokens``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import torch

from nemo.collections.nlp.data._padding import pad_rows
from nemo.core.classes import Dataset

__all__ = ["LabelledTokens", "WordEncoder", "WordQueriesDataset"]

LabelledTokens = tuple[list[int], list[int], list[int], list[int]]


class WordEncoder:
    """Words → sub-token ids with the model's tokenizer (each distinct word encoded once)."""

    def __init__(self, tokenizer: Any, max_seq_length: int, *, lower_case: bool = False) -> None:
        for role in ("cls_id", "sep_id", "pad_id"):
            if getattr(tokenizer, role, None) is None:
                raise ValueError(
                    f"the tokenizer ({tokenizer.name}) has no {role.removesuffix('_id')} token, "
                    "which BERT inputs need: give it special_tokens={'cls_token': '[CLS]', "
                    "'sep_token': '[SEP]', 'pad_token': '[PAD]'}"
                )
        if max_seq_length < 3:
            raise ValueError(f"max_seq_length must be at least 3, got {max_seq_length}")
        self.tokenizer = tokenizer
        self.max_seq_length = max_seq_length
        self.lower_case = lower_case
        self.truncated = 0
        self._cache: dict[str, list[int]] = {}

    def encode(self, words: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
        """ids, the index of each kept word's first sub-token, and the word index of each
        sub-token (-1 for [CLS]/[SEP]); words that do not fit ``max_seq_length`` are cut."""
        ids = [self.tokenizer.cls_id]
        firsts: list[int] = []
        owners = [-1]
        room = self.max_seq_length - 1
        for index, word in enumerate(words):
            pieces = self._cache.get(word)
            if pieces is None:
                text = word.lower() if self.lower_case else word
                pieces = self._cache[word] = self.tokenizer.text_to_ids(text) or [
                    self.tokenizer.unk_id or 0
                ]
            if len(ids) + len(pieces) > room:
                self.truncated += 1
                break
            firsts.append(len(ids))
            ids += pieces
            owners += [index] * len(pieces)
        return [*ids, self.tokenizer.sep_id], firsts, [*owners, -1]

    def encode_with_mask(self, words: Sequence[str]) -> tuple[list[int], list[int]]:
        """ids and ``subtokens_mask`` (1 on each kept word's first sub-token)."""
        ids, firsts, _ = self.encode(words)
        return ids, _first_mask(len(ids), firsts)

    def encode_labelled(
        self,
        words: Sequence[str],
        labels: Sequence[int],
        pad_label: int,
        *,
        ignore_extra_tokens: bool = False,
        ignore_start_end: bool = True,
    ) -> LabelledTokens:
        """ids, ``loss_mask``, ``subtokens_mask`` and each sub-token's label (a word's label on
        its first sub-token, ``pad_label`` elsewhere)."""
        ids, firsts, owners = self.encode(words)
        subtokens = _first_mask(len(ids), firsts)
        loss = [1 if owner >= 0 else int(not ignore_start_end) for owner in owners]
        if ignore_extra_tokens:
            loss = [
                0 if owner >= 0 and not subtokens[i] else m
                for i, (owner, m) in enumerate(zip(owners, loss, strict=True))
            ]
        token_labels = [
            labels[owner] if owner >= 0 and subtokens[i] else pad_label
            for i, owner in enumerate(owners)
        ]
        return ids, loss, subtokens, token_labels

    def warn_truncated(self, what: str) -> None:
        if self.truncated:
            warnings.warn(
                f"{what}: {self.truncated} sentences were longer than max_seq_length="
                f"{self.max_seq_length} tokens and were truncated (raise max_seq_length to "
                "keep them whole)",
                UserWarning,
                stacklevel=3,
            )


def _first_mask(length: int, firsts: Sequence[int]) -> list[int]:
    """``subtokens_mask``: 1 at each word's first sub-token."""
    mask = [0] * length
    for i in firsts:
        mask[i] = 1
    return mask


class WordQueriesDataset(Dataset):
    """Queries without labels; batches are ``(input_ids, token_type_ids, attention_mask,
    subtokens_mask)``, NeMo's inference order."""

    def __init__(self, queries: Sequence[str], encoder: WordEncoder) -> None:
        self.pad_id = encoder.tokenizer.pad_id
        self.words = [query.split() for query in queries]
        self.features = [encoder.encode_with_mask(sentence) for sentence in self.words]
        encoder.warn_truncated("queries")

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> tuple[list[int], list[int]]:
        return self.features[index]

    def collate_fn(self, batch: Sequence[Any]) -> tuple[torch.Tensor, ...]:
        ids, subtokens = zip(*batch, strict=True)
        input_ids, attention = pad_rows(ids, self.pad_id)
        return input_ids, torch.zeros_like(input_ids), attention, pad_rows(subtokens, 0)[0]
