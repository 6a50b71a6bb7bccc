"""Intent/slot examples as BERT inputs (``data._words``), with the intent of each sentence."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import torch

from nemo.collections.nlp.data._padding import pad_rows
from nemo.collections.nlp.data._words import WordEncoder, WordQueriesDataset
from nemo.core.classes import Dataset

__all__ = ["IntentSlotClassificationDataset", "IntentSlotInferenceDataset", "WordEncoder"]


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
        ids, loss, subtokens, token_labels = self.encoder.encode_labelled(
            sentence, labels, self.pad_label,
            ignore_extra_tokens=self.ignore_extra_tokens, ignore_start_end=self.ignore_start_end,
        )  # fmt: skip
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


class IntentSlotInferenceDataset(WordQueriesDataset):
    """Queries without labels (NeMo's name for this data set)."""
