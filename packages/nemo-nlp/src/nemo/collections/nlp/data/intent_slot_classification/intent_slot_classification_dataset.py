"""Intent/slot examples as BERT inputs: ``[CLS] subwords… [SEP]`` with per-token slot labels.

A word's slot label sits on its first sub-token (``subtokens_mask``); the loss reads
``loss_mask``, which also leaves out [CLS]/[SEP] (``ignore_start_end``) and a word's further
sub-tokens (``ignore_extra_tokens``), as NeMo's data set does.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Sequence
from typing import Any

import torch

from nemo.collections.nlp.data._padding import pad_rows
from nemo.core.classes import Dataset

__all__ = ["IntentSlotClassificationDataset", "IntentSlotInferenceDataset", "WordEncoder"]


class WordEncoder:
    """Words → sub-token ids with the model's tokenizer (each distinct word encoded once)."""

    def __init__(self, tokenizer: Any, max_seq_length: int) -> None:
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
                pieces = self._cache[word] = self.tokenizer.text_to_ids(word) or [
                    self.tokenizer.unk_id or 0
                ]
            if len(ids) + len(pieces) > room:
                self.truncated += 1
                break
            firsts.append(len(ids))
            ids += pieces
            owners += [index] * len(pieces)
        return [*ids, self.tokenizer.sep_id], firsts, [*owners, -1]

    def warn_truncated(self, what: str) -> None:
        if self.truncated:
            warnings.warn(
                f"{what}: {self.truncated} sentences were longer than max_seq_length="
                f"{self.max_seq_length} tokens and were truncated (raise "
                "language_model.max_seq_length to keep them whole)",
                UserWarning,
                stacklevel=3,
            )


class IntentSlotClassificationDataset(Dataset):
    """Labelled examples; batches are ``(input_ids, token_type_ids, attention_mask, loss_mask,
    subtokens_mask, intents, slots)``, NeMo's order."""

    def __init__(
        self,
        words: Sequence[Sequence[str]],
        intents: Sequence[int],
        slots: Sequence[Sequence[int]],
        encoder: WordEncoder,
        pad_label: int,
        ignore_extra_tokens: bool = False,
        ignore_start_end: bool = True,
        word_dropout: float = 0.0,
    ) -> None:
        if not 0.0 <= word_dropout < 1.0:
            raise ValueError(f"word_dropout must be in [0, 1), got {word_dropout}")
        self.pad_id = encoder.tokenizer.pad_id
        self.pad_label = pad_label
        self.encoder = encoder
        self.ignore_extra_tokens = ignore_extra_tokens
        self.ignore_start_end = ignore_start_end
        self.word_dropout = word_dropout
        self.examples = [
            (list(w), int(i), list(s)) for w, i, s in zip(words, intents, slots, strict=True)
        ]
        self.features = [self._features(*example) for example in self.examples]
        encoder.warn_truncated("intent/slot data")

    def _features(
        self, sentence: list[str], intent: int, labels: list[int]
    ) -> tuple[list[int], list[int], list[int], int, list[int]]:
        ids, firsts, owners = self.encoder.encode(sentence)
        subtokens = [0] * len(ids)
        for i in firsts:
            subtokens[i] = 1
        loss = [1 if owner >= 0 else int(not self.ignore_start_end) for owner in owners]
        if self.ignore_extra_tokens:
            loss = [
                0 if owner >= 0 and not subtokens[i] else m
                for i, (owner, m) in enumerate(zip(owners, loss, strict=True))
            ]
        token_labels = [
            labels[owner] if owner >= 0 and subtokens[i] else self.pad_label
            for i, owner in enumerate(owners)
        ]
        return ids, loss, subtokens, intent, token_labels

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> tuple[list[int], list[int], list[int], int, list[int]]:
        """With ``word_dropout``, each word (and its label) is left out with that probability,
        anew at every epoch, so the model learns commands as a recognizer may garble them."""
        if not self.word_dropout:
            return self.features[index]
        sentence, intent, labels = self.examples[index]
        keep = [i for i in range(len(sentence)) if random.random() >= self.word_dropout]
        if not keep:
            return self.features[index]
        # an I- label whose B- was dropped still names its slot: spans start at a stray I-
        return self._features([sentence[i] for i in keep], intent, [labels[i] for i in keep])

    def collate_fn(self, batch: Sequence[Any]) -> tuple[torch.Tensor, ...]:
        ids, loss, subtokens, intents, labels = zip(*batch, strict=True)
        input_ids, attention = pad_rows(ids, self.pad_id)
        return (
            input_ids,
            torch.zeros_like(input_ids),
            attention,
            pad_rows(loss, 0)[0],
            pad_rows(subtokens, 0)[0],
            torch.tensor(intents, dtype=torch.long),
            pad_rows(labels, self.pad_label)[0],
        )


class IntentSlotInferenceDataset(Dataset):
    """Queries without labels; batches are ``(input_ids, token_type_ids, attention_mask,
    subtokens_mask)``."""

    def __init__(self, queries: Sequence[str], encoder: WordEncoder) -> None:
        self.pad_id = encoder.tokenizer.pad_id
        self.words = [query.split() for query in queries]
        self.features = []
        for sentence in self.words:
            ids, firsts, _ = encoder.encode(sentence)
            subtokens = [0] * len(ids)
            for i in firsts:
                subtokens[i] = 1
            self.features.append((ids, subtokens))
        encoder.warn_truncated("queries")

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> tuple[list[int], list[int]]:
        return self.features[index]

    def collate_fn(self, batch: Sequence[Any]) -> tuple[torch.Tensor, ...]:
        ids, subtokens = zip(*batch, strict=True)
        input_ids, attention = pad_rows(ids, self.pad_id)
        return input_ids, torch.zeros_like(input_ids), attention, pad_rows(subtokens, 0)[0]
