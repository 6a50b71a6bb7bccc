"""A tiny optimizer params class and scheduler shared by the optim tests.

Module-level, so that configs can name them by class path (``core_test_optim.PlainSGDParams``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch

from nemo.core.config import OptimizerParams, SchedulerParams

__all__ = ["LinearDecay", "LinearDecayParams", "PlainSGDParams"]


@dataclasses.dataclass
class PlainSGDParams(OptimizerParams):
    momentum: float = 0.0
    nesterov: bool = False


class LinearDecay(torch.optim.lr_scheduler.LRScheduler):
    """Linear from the base rate to 0 at max_steps."""

    def __init__(self, optimizer: Any, *, max_steps: int, last_epoch: int = -1) -> None:
        self.max_steps = max_steps
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [b * max(0.0, 1 - self.last_epoch / self.max_steps) for b in self.base_lrs]


@dataclasses.dataclass
class LinearDecayParams(SchedulerParams):
    max_steps: int = 0
