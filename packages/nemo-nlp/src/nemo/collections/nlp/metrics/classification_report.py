"""Per-class precision, recall and F1 with micro and macro averages, summed across processes.

A ``torchmetrics.Metric``: true/false positive and false negative counts are its states, so
under DDP the report covers every process's batches.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torchmetrics import Metric

__all__ = ["ClassificationReport", "ReportResult"]

ReportResult = tuple[torch.Tensor, torch.Tensor, torch.Tensor, str]


class ClassificationReport(Metric):
    """``update(predictions, labels)``; ``compute() -> (precision, recall, f1, report)`` in %
    for ``mode`` (``macro``, ``micro`` or ``weighted``)."""

    full_state_update = False
    tp: torch.Tensor
    fp: torch.Tensor
    fn: torch.Tensor

    def __init__(
        self, num_classes: int, label_ids: Mapping[str, int] | None = None, mode: str = "macro"
    ) -> None:
        super().__init__()
        if mode not in ("macro", "micro", "weighted"):
            raise ValueError(f"mode {mode!r} is not macro, micro or weighted")
        self.num_classes = num_classes
        self.mode = mode
        self.names = {i: name for name, i in (label_ids or {}).items()}
        for state in ("tp", "fp", "fn"):
            self.add_state(state, default=torch.zeros(num_classes), dist_reduce_fx="sum")

    def update(self, predictions: torch.Tensor, labels: torch.Tensor) -> None:
        predictions, labels = predictions.flatten().long(), labels.flatten().long()
        classes = torch.arange(self.num_classes, device=labels.device)[:, None]
        hit = predictions == labels
        self.tp += ((labels == classes) & hit).sum(1)
        self.fp += ((predictions == classes) & ~hit).sum(1)
        self.fn += ((labels == classes) & ~hit).sum(1)

    def compute(self) -> ReportResult:
        precision = _ratio(self.tp, self.tp + self.fp)
        recall = _ratio(self.tp, self.tp + self.fn)
        f1 = _f1(precision, recall)
        support = self.tp + self.fn
        present = support > 0
        lines = [f"{'label':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
        for i in range(self.num_classes):
            name = self.names.get(i, f"label_id: {i}")
            lines.append(
                f"{name:<20}{precision[i]:>10.2f}{recall[i]:>10.2f}{f1[i]:>10.2f}{int(support[i]):>10d}"
            )
        tp, fp, fn = self.tp.sum(), self.fp.sum(), self.fn.sum()
        micro_p, micro_r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        micro = (micro_p, micro_r, _f1(micro_p, micro_r))
        macro = tuple(
            v[present].mean() if present.any() else v.sum() * 0 for v in (precision, recall, f1)
        )
        weights = support / support.sum().clamp(min=1)
        weighted = tuple((v * weights).sum() for v in (precision, recall, f1))
        for name, (p, r, f) in (
            ("micro avg", micro),
            ("macro avg", macro),
            ("weighted avg", weighted),
        ):
            lines.append(f"{name:<20}{p:>10.2f}{r:>10.2f}{f:>10.2f}{int(support.sum()):>10d}")
        chosen = {"micro": micro, "macro": macro, "weighted": weighted}[self.mode]
        return chosen[0], chosen[1], chosen[2], "\n".join(lines)


def _ratio(top: torch.Tensor, bottom: torch.Tensor) -> torch.Tensor:
    return torch.where(bottom > 0, 100.0 * top / bottom.clamp(min=1e-12), torch.zeros_like(top))


def _f1(precision: torch.Tensor, recall: torch.Tensor) -> torch.Tensor:
    total = precision + recall
    return torch.where(total > 0, 2 * precision * recall / total.clamp(min=1e-12), total * 0)
