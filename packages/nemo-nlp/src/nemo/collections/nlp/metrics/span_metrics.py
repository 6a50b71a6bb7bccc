"""Entity-level F1 over IOB labels: a slot counts only when its type and its exact words match
(as ``seqeval`` and the CoNLL evaluation score named entities); and, where the words themselves
may differ (a recognizer's transcript against the spoken text), F1 over slot values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
from torchmetrics import Metric

__all__ = ["SpanF1", "iob_spans", "slot_value_f1", "slot_values", "span_f1"]


def iob_spans(labels: Sequence[str]) -> set[tuple[str, int, int]]:
    """``(type, start, end)`` of each span; an ``I-`` without its ``B-`` starts a span."""
    spans: set[tuple[str, int, int]] = set()
    kind, start = None, 0
    for i, label in enumerate([*labels, "O"]):
        inside = label.startswith("I-") and label[2:] == kind
        if kind is not None and not inside:
            spans.add((kind, start, i))
            kind = None
        if label[:2] in ("B-", "I-") and not inside:
            kind, start = label[2:], i
    return spans


def span_f1(
    gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]
) -> tuple[float, float, float]:
    """Micro precision, recall and F1 (in %) of predicted spans against gold spans."""
    hits, found, wanted = _span_counts(gold, predicted)
    return _scores(hits, found, wanted)


class SpanF1(Metric):
    """``span_f1`` as a metric: the span counts are its states, summed across processes."""

    full_state_update = False
    hits: torch.Tensor
    found: torch.Tensor
    wanted: torch.Tensor

    def __init__(self) -> None:
        super().__init__()
        for state in ("hits", "found", "wanted"):
            self.add_state(state, default=torch.tensor(0), dist_reduce_fx="sum")

    def update(self, gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]) -> None:
        hits, found, wanted = _span_counts(gold, predicted)
        self.hits += hits
        self.found += found
        self.wanted += wanted

    def compute(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Precision, recall and F1 in %."""
        scores = _scores(int(self.hits), int(self.found), int(self.wanted))
        return tuple(torch.tensor(value) for value in scores)  # type: ignore[return-value]


def _span_counts(
    gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]
) -> tuple[int, int, int]:
    hits = found = wanted = 0
    for gold_labels, predicted_labels in zip(gold, predicted, strict=True):
        gold_spans, predicted_spans = iob_spans(gold_labels), iob_spans(predicted_labels)
        hits += len(gold_spans & predicted_spans)
        found += len(predicted_spans)
        wanted += len(gold_spans)
    return hits, found, wanted


def _scores(hits: int, found: int, wanted: int) -> tuple[float, float, float]:
    precision = 100.0 * hits / found if found else 0.0
    recall = 100.0 * hits / wanted if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def slot_values(words: Sequence[str], labels: Sequence[str]) -> dict[str, str]:
    """``{slot: its words joined by a space}``; the first span when a slot occurs twice."""
    found: dict[str, str] = {}
    for kind, start, end in sorted(iob_spans(labels), key=lambda span: span[1]):
        found.setdefault(kind, " ".join(words[start:end]))
    return found


def slot_value_f1(
    gold: Iterable[dict[str, str]], predicted: Iterable[dict[str, str]]
) -> tuple[float, float, float]:
    """Micro precision, recall and F1 (in %) of ``(slot, value)`` pairs: the end-to-end score
    of spoken language understanding, where word positions of transcript and text differ."""
    hits = found = wanted = 0
    for gold_slots, predicted_slots in zip(gold, predicted, strict=True):
        hits += len(set(gold_slots.items()) & set(predicted_slots.items()))
        found += len(predicted_slots)
        wanted += len(gold_slots)
    return _scores(hits, found, wanted)
