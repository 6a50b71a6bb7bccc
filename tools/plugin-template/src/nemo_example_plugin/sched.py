"""A linear warm-up then linear decay learning-rate schedule."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from nemo.core.config import SchedulerParams

__all__ = ["LinearWarmupDecay", "LinearWarmupDecayParams"]


@dataclass
class LinearWarmupDecayParams(SchedulerParams):
    warmup_steps: int = 0
    min_lr: float = 0.0


class LinearWarmupDecay(torch.optim.lr_scheduler.LRScheduler):
    """``max_steps`` is filled in by NeMo from the trainer, like its own schedulers'."""

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        *,
        max_steps: int,
        warmup_steps: int = 0,
        min_lr: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        if max_steps <= 0 or not 0 <= warmup_steps <= max_steps:
            raise ValueError(
                f"LinearWarmupDecay needs 0 <= warmup_steps <= max_steps and max_steps > 0; "
                f"got warmup_steps={warmup_steps}, max_steps={max_steps}"
            )
        self.max_steps = max_steps
        self.warmup_steps = warmup_steps
        self.min_lr = min_lr
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:  # type: ignore[override]
        step = min(self.last_epoch, self.max_steps)
        if step < self.warmup_steps:
            return [base * (step + 1) / (self.warmup_steps + 1) for base in self.base_lrs]
        remaining = (self.max_steps - step) / max(self.max_steps - self.warmup_steps, 1)
        return [self.min_lr + (base - self.min_lr) * remaining for base in self.base_lrs]
