"""Per-class precision, recall and F1 with micro and macro averages, summed across processes.

A ``torchmetrics.Metric`` whose one state is the confusion matrix (summed across processes, so
under DDP the report covers every process's batches); true/false positives and false negatives
are read off it, and ``confusion_image`` draws it for TensorBoard.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torchmetrics import Metric

__all__ = ["ClassificationReport", "ReportResult", "confusion_image"]

ReportResult = tuple[torch.Tensor, torch.Tensor, torch.Tensor, str]


class ClassificationReport(Metric):
    """``update(predictions, labels)``; ``compute() -> (precision, recall, f1, report)`` in %
    for ``mode`` (``macro``, ``micro`` or ``weighted``)."""

    full_state_update = False
    confusion: torch.Tensor  # [gold, predicted] counts

    def __init__(
        self, num_classes: int, label_ids: Mapping[str, int] | None = None, mode: str = "macro"
    ) -> None:
        super().__init__()
        if mode not in ("macro", "micro", "weighted"):
            raise ValueError(f"mode {mode!r} is not macro, micro or weighted")
        self.num_classes = num_classes
        self.mode = mode
        self.names = {i: name for name, i in (label_ids or {}).items()}
        self.add_state(
            "confusion",
            default=torch.zeros(num_classes, num_classes, dtype=torch.long),
            dist_reduce_fx="sum",
        )

    def update(self, predictions: torch.Tensor, labels: torch.Tensor) -> None:
        predictions, labels = predictions.flatten().long(), labels.flatten().long()
        count = self.num_classes
        ids = torch.cat([labels, predictions])
        if bool(((ids < 0) | (ids >= count)).any()):  # one device sync per batch
            raise ValueError(
                f"labels and predictions must be class ids 0…{count - 1}; mask out padding "
                "(pad labels, [CLS]/[SEP]) before update"
            )
        cells = torch.bincount(labels * count + predictions, minlength=count * count)
        self.confusion += cells.view(count, count)

    @property
    def tp(self) -> torch.Tensor:
        return self.confusion.diagonal().float()

    @property
    def fp(self) -> torch.Tensor:
        return self.confusion.sum(0).float() - self.tp

    @property
    def fn(self) -> torch.Tensor:
        return self.confusion.sum(1).float() - self.tp

    def compute(self) -> ReportResult:
        tp, fp, fn = self.tp, self.fp, self.fn
        precision = _ratio(tp, tp + fp)
        recall = _ratio(tp, tp + fn)
        f1 = _f1(precision, recall)
        support = tp + fn
        present = support > 0
        lines = [f"{'label':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
        for i in range(self.num_classes):
            name = self.names.get(i, f"label_id: {i}")
            lines.append(
                f"{name:<20}{precision[i]:>10.2f}{recall[i]:>10.2f}{f1[i]:>10.2f}{int(support[i]):>10d}"
            )
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
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


def confusion_image(confusion: torch.Tensor, cell: int = 12) -> torch.Tensor:
    """The matrix as a ``[3, H, W]`` uint8 heat map (rows: gold, columns: predicted, each row
    scaled by its count, so a perfect model draws a bright diagonal), for ``add_image``; the
    classes' order is the label ids'."""
    counts = confusion.detach().float().cpu()
    share = counts / counts.sum(1, keepdim=True).clamp(min=1)
    heat = share.repeat_interleave(cell, 0).repeat_interleave(cell, 1)
    grid = torch.zeros_like(heat, dtype=torch.bool)
    grid[::cell, :] = True
    grid[:, ::cell] = True
    # white → dark blue as the share grows; grid lines in light grey
    rgb = torch.stack([1 - heat, 1 - 0.7 * heat, 1 - 0.3 * heat])
    rgb[:, grid] = 0.85
    return (rgb * 255).round().to(torch.uint8)
