"""CTC loss over batch-first log-probabilities, with NeMo's ``mean_batch`` reduction."""

from __future__ import annotations

import torch
from torch import nn

from nemo.core.classes import Loss, typecheck
from nemo.core.neural_types import LabelsType, LengthsType, LogprobsType, LossType, NeuralType

__all__ = ["CTCLoss"]

_REDUCTIONS = ("none", "mean", "sum", "mean_batch", "mean_volume")


class CTCLoss(nn.CTCLoss, Loss):
    """``torch.nn.CTCLoss`` with the blank last (index ``num_classes``) and (B, T, D) inputs.

    ``reduction``: ``mean_batch`` (the default) averages the per-utterance losses over the
    batch; ``mean_volume`` divides their sum by the total target length; ``mean``, ``sum`` and
    ``none`` are torch's (``mean`` divides each loss by its target length first).
    """

    def __init__(
        self, num_classes: int, zero_infinity: bool = False, reduction: str = "mean_batch"
    ) -> None:
        if reduction not in _REDUCTIONS:
            raise ValueError(
                f"CTCLoss reduction {reduction!r} is not one of {', '.join(_REDUCTIONS)} "
                "(model config key: ctc_reduction)"
            )
        self._blank = num_classes
        self.config_reduction = reduction
        self._apply_reduction = reduction in ("mean_batch", "mean_volume")
        torch_reduction = "none" if self._apply_reduction else reduction
        super().__init__(blank=num_classes, reduction=torch_reduction, zero_infinity=zero_infinity)

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {
            "log_probs": NeuralType(("B", "T", "D"), LogprobsType()),
            "targets": NeuralType(("B", "T"), LabelsType()),
            "input_lengths": NeuralType(("B",), LengthsType()),
            "target_lengths": NeuralType(("B",), LengthsType()),
        }

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"loss": NeuralType(elements_type=LossType())}

    def reduce(self, losses: torch.Tensor, target_lengths: torch.Tensor) -> torch.Tensor:
        if self.config_reduction == "mean_batch":
            return losses.mean()
        return losses.sum() / target_lengths.sum()

    @typecheck()
    def forward(
        self,
        log_probs: torch.Tensor,
        targets: torch.Tensor,
        input_lengths: torch.Tensor,
        target_lengths: torch.Tensor,
    ) -> torch.Tensor:
        target_lengths = target_lengths.long()
        loss = super().forward(
            log_probs=log_probs.transpose(1, 0),
            targets=targets.long(),
            input_lengths=input_lengths.long(),
            target_lengths=target_lengths,
        )
        if self._apply_reduction:
            loss = self.reduce(loss, target_lengths)
        return loss
