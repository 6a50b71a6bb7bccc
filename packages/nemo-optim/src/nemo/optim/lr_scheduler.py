"""NeMo's learning-rate schedulers, with NeMo 3.0's numbers.

Each class only says how it anneals; warm-up, hold and the ``min_lr`` floor after ``max_steps``
come from :mod:`nemo.optim._policies`. Quirks of NeMo 1.0 listed in the reference were decided by
what NeMo 3.0 (the numeric reference) does:

1. WarmupAnnealing anneals to ``min_lr`` (1.0 ended at 0; 3.0 fixed it): follow 3.0.
2. SquareRootAnnealing is not offset by the warm-up (a jump after warm-up): kept, as in 3.0.
3. PolynomialHoldDecayAnnealing with warm-up but no hold drops to ``min_lr`` right after the
   warm-up (the hold end is 0, so the decay is already over): kept, as in 3.0.
4. NoamAnnealing works without warm-up (``d_model^-0.5 · step^-0.5``) and is not cut to
   ``min_lr`` after ``max_steps``: as in 3.0 (1.0 failed on 0 warm-up and cut off).

Where NeMo 3.0 fails or is plainly wrong, this implementation differs, and only there (the
learning rates NeMo does produce are reproduced to the last bit, see the tests):

* each param group anneals from its own rate (3.0's WarmupAnnealing and Megatron-style cosine
  used the first group's rate for every group);
* a policy that does not anneal (WarmupPolicy, WarmupHoldPolicy, SquareRootConstantPolicy)
  runs without ``max_steps`` (3.0 compared the step with ``None``, a TypeError, once past the
  warm-up); the annealing ones still require it, with an error saying how to set it;
* SquareRootConstantPolicy/T5InverseSquareRootAnnealing accept ``constant_ratio`` (3.0 took
  the square root of the ``constant_steps`` argument, ``None`` when a ratio was given);
* errors on contradicting arguments are one class, :class:`ScheduleArgumentError`, which is
  an ``AssertionError``, a ``TypeError`` and a ``ValueError`` as 3.0's various errors were.
"""

from __future__ import annotations

from typing import Any

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from nemo.optim import _schedule_math as curves
from nemo.optim._policies import (
    ScheduleArgumentError,
    SquareRootConstantPolicy,
    WarmupAnnealHoldPolicy,
    WarmupHoldPolicy,
    WarmupPolicy,
    _PhasedSchedule,
    check_min_lr,
    resolve_steps,
)

__all__ = [
    "CosineAnnealing",
    "InverseSquareRootAnnealing",
    "NoamAnnealing",
    "NoamHoldAnnealing",
    "PolynomialDecayAnnealing",
    "PolynomialHoldDecayAnnealing",
    "ScheduleArgumentError",
    "SquareAnnealing",
    "SquareRootAnnealing",
    "SquareRootConstantPolicy",
    "T5InverseSquareRootAnnealing",
    "WarmupAnnealHoldPolicy",
    "WarmupAnnealing",
    "WarmupHoldAnnealLinear",
    "WarmupHoldAnnealOneMinusSquareRoot",
    "WarmupHoldPolicy",
    "WarmupPolicy",
]


class SquareAnnealing(WarmupPolicy):
    """``base · ((M-s)/(M-W))²`` after warm-up, floored at ``min_lr`` (default 1e-5)."""

    _requires_max_steps = True
    _default_min_lr = 1e-5

    def _get_lr(self, step: int) -> list[Any]:
        return self._anneal(curves.square, step, start=self.warmup_steps)


class SquareRootAnnealing(WarmupPolicy):
    """``base · sqrt((M-s)/M)``, floored at ``min_lr``; not offset by warm-up (quirk 2)."""

    _requires_max_steps = True

    def _get_lr(self, step: int) -> list[Any]:
        return self._anneal(curves.square_root, step, start=0)


class CosineAnnealing(WarmupAnnealHoldPolicy):
    """Half-cosine from the base rate to ``min_lr`` over ``max_steps - warmup_steps``.

    With ``constant_steps`` it follows Megatron's variant: warm-up from 0, cosine over the
    decay steps, then ``min_lr`` for the last ``constant_steps``.
    """

    _requires_max_steps = True

    def _get_lr(self, step: int) -> list[Any]:
        self._check_min_lr()
        if self.constant_steps > 0:
            return self._megatron(step)
        return self._anneal(curves.cosine, step, start=self.warmup_steps)

    def _get_warmup_lr(self, step: int) -> list[Any]:
        return self._megatron(step) if self.constant_steps > 0 else super()._get_warmup_lr(step)

    def _get_constant_lr(self, step: int) -> list[Any]:
        return self._megatron(step)

    def _megatron(self, step: int) -> list[Any]:
        # NeMo used the first group's rate for every group; each group keeps its own here
        # (identical for one group).
        assert self.decay_steps is not None
        for b in self.base_lrs:
            if not b > self.min_lr:
                raise ScheduleArgumentError(
                    f"CosineAnnealing with constant_steps needs lr > min_lr, got lr={b}, "
                    f"min_lr={self.min_lr}"
                )
        return [
            curves.megatron_cosine(float(b), step, self.warmup_steps, self.decay_steps, self.min_lr)
            for b in self.base_lrs
        ]


class WarmupAnnealing(WarmupPolicy):
    """Linear from the base rate at the end of warm-up to ``min_lr`` at ``max_steps`` (quirk 1)."""

    _requires_max_steps = True

    def _get_lr(self, step: int) -> list[Any]:
        # NeMo used the first group's rate for every group; each group keeps its own here.
        assert self.max_steps is not None
        progress = (step - self.warmup_steps) / (self.max_steps - self.warmup_steps)
        return [self.min_lr + (1 - progress) * (b - self.min_lr) for b in self.base_lrs]


class InverseSquareRootAnnealing(WarmupPolicy):
    """``base / sqrt((s+1)/(W+1))``: continuous with the end of warm-up."""

    _requires_max_steps = True

    def _get_lr(self, step: int) -> list[Any]:
        denominator = ((step + 1) / (self.warmup_steps + 1)) ** 0.5
        return [b / denominator for b in self.base_lrs]


class T5InverseSquareRootAnnealing(SquareRootConstantPolicy):
    """T5's ``1/sqrt(max(step, constant_steps))``, independent of the optimizer's ``lr``."""

    def __init__(
        self,
        optimizer: Optimizer,
        *,
        max_steps: int,
        min_lr: float = 0.0,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            optimizer, max_steps=max_steps, min_lr=min_lr, last_epoch=last_epoch, **kwargs
        )

    def _get_lr(self, step: int) -> list[Any]:
        return [1 / step**0.5 for _ in self.base_lrs]


class _PolynomialDecay(_PhasedSchedule):
    """``power`` and ``cycle`` of the polynomial schedulers, and their curve.

    Listed first among the bases, before the policy that gives the phases.
    """

    def __init__(
        self, optimizer: Optimizer, *, power: float = 1.0, cycle: bool = False, **kwargs: Any
    ) -> None:
        self.power = power
        self.cycle = cycle
        super().__init__(optimizer, **kwargs)

    def _polynomial(self, base_lr: float, step: int, decay_steps: int, min_lr: float) -> float:
        return curves.polynomial(base_lr, step, decay_steps, min_lr, self.power, self.cycle)


class PolynomialDecayAnnealing(_PolynomialDecay, WarmupPolicy):
    """``(base - min_lr)·(1 - x/D)^power + min_lr`` over ``D = max_steps - warmup_steps``."""

    _requires_max_steps = True

    def _get_lr(self, step: int) -> list[Any]:
        return self._anneal(self._polynomial, step, start=self.warmup_steps)


class PolynomialHoldDecayAnnealing(_PolynomialDecay, WarmupHoldPolicy):
    """Polynomial decay after warm-up and hold; without a hold it collapses (quirk 3)."""

    _requires_max_steps = True

    def _get_lr(self, step: int) -> list[Any]:
        assert self.max_steps is not None
        span = self.max_steps - max(self.warmup_steps, self.hold_steps)
        return self._anneal(self._polynomial, step, start=self.hold_steps, decay_steps=span)


class _HoldThenAnneal(WarmupHoldPolicy):
    """Warm-up, hold, then ``_curve`` from the hold's end to ``max_steps`` (NeMo's WSD family)."""

    _requires_max_steps = True

    @staticmethod
    def _curve(base_lr: float, step: int, decay_steps: int, min_lr: float) -> float:
        raise NotImplementedError

    def _get_lr(self, step: int) -> list[Any]:
        return self._anneal(self._curve, step, start=self.hold_steps)


class WarmupHoldAnnealOneMinusSquareRoot(_HoldThenAnneal):
    """``base · (1 - sqrt(x/D))`` after the hold, floored at ``min_lr``."""

    _curve = staticmethod(curves.one_minus_sqrt)


class WarmupHoldAnnealLinear(_HoldThenAnneal):
    """Linear from the base rate after the hold down to ``min_lr`` at ``max_steps``."""

    _curve = staticmethod(curves.linear)


class NoamHoldAnnealing(WarmupHoldPolicy):
    """Warm-up, hold, then ``base · (W^rate) / (s - hold)^rate`` floored at ``min_lr``."""

    _requires_max_steps = True

    def __init__(self, optimizer: Optimizer, *, decay_rate: float = 0.5, **kwargs: Any) -> None:
        self.decay_rate = decay_rate
        super().__init__(optimizer, **kwargs)

    def set_step(self, step: int) -> None:
        """Jump to ``step`` (NeMo's API, used when resuming from a step count)."""
        self.last_epoch = step

    def _get_lr(self, step: int) -> list[Any]:
        if self.warmup_steps == 0:
            raise ScheduleArgumentError(
                "Noam scheduler cannot be used without warmup steps: set warmup_steps > 0 "
                "(or warmup_ratio) for NoamHoldAnnealing"
            )
        hold = self.hold_steps - self.warmup_steps if self.hold_steps > 0 else 0
        return [
            curves.noam_hold(float(b), step, self.warmup_steps, hold, self.decay_rate, self.min_lr)
            for b in self.base_lrs
        ]


class NoamAnnealing(LRScheduler):
    """The Transformer schedule: ``base · d_model^-0.5 · min(s^-0.5, s · W^-1.5)``.

    ``min_lr`` is a floor once warm-up is over; ``max_steps`` only serves ``warmup_ratio``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        *,
        d_model: int,
        warmup_steps: int | None = None,
        warmup_ratio: float | None = None,
        max_steps: int | None = None,
        min_lr: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        if d_model <= 0:
            raise ScheduleArgumentError(f"NoamAnnealing needs d_model > 0, got {d_model}")
        self._normalize = float(d_model ** (-0.5))
        self.max_steps = max_steps
        self.warmup_steps = resolve_steps(warmup_steps, warmup_ratio, max_steps, "warmup")
        self.min_lr = min_lr
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        step = max(1, self.last_epoch)
        check_min_lr("NoamAnnealing", self.base_lrs, self.min_lr)
        return [self._noam(float(b), step) for b in self.base_lrs]

    def _noam(self, base_lr: float, step: int) -> float:
        if self.warmup_steps > 0:
            scale = min(float(step ** (-0.5)), step * float(self.warmup_steps ** (-1.5)))
        else:
            scale = float(step ** (-0.5))
        lr = base_lr * (self._normalize * scale)
        return max(lr, self.min_lr) if step > self.warmup_steps else lr
