"""The phase logic every NeMo scheduler shares: warm-up, hold, constant tail, after-the-end.

:class:`WarmupPolicy`, :class:`WarmupHoldPolicy` and :class:`WarmupAnnealHoldPolicy` differ only
in which phases they enable, so one base class owns the phase order and the step arithmetic;
an annealing scheduler only supplies ``_get_lr(step)`` for the steps that no phase claims,
usually as ``self._anneal(curve, step, start=...)`` with a curve of :mod:`._schedule_math`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

__all__ = [
    "ScheduleArgumentError",
    "SquareRootConstantPolicy",
    "WarmupAnnealHoldPolicy",
    "WarmupHoldPolicy",
    "WarmupPolicy",
    "check_min_lr",
    "resolve_steps",
]


# An annealing curve: (base_lr, steps into the decay, decay length, min_lr) -> learning rate.
Curve = Callable[[float, int, int, float], float]


class ScheduleArgumentError(ValueError, TypeError, AssertionError):
    """Scheduler arguments that are missing or contradict each other.

    NeMo reported these through ``assert`` (AssertionError) or by failing on ``None``
    (TypeError); this error is both, and a ValueError, so code written against NeMo still
    catches it while the message says what to change.
    """


def resolve_steps(steps: int | None, ratio: float | None, max_steps: int | None, what: str) -> int:
    """A phase length from ``<what>_steps`` or ``<what>_ratio`` x ``max_steps`` (else 0)."""
    if steps is not None and ratio is not None:
        raise ScheduleArgumentError(
            f"give either {what}_steps or {what}_ratio, not both "
            f"(got {what}_steps={steps}, {what}_ratio={ratio})"
        )
    if steps is not None:
        return int(steps)
    if ratio is not None:
        if max_steps is None:
            raise ScheduleArgumentError(
                f"{what}_ratio={ratio} is a fraction of max_steps, which is not set: give "
                f"max_steps, or {what}_steps instead of the ratio"
            )
        return int(ratio * max_steps)
    return 0


def check_min_lr(scheduler: str, base_lrs: Iterable[Any], min_lr: float) -> None:
    """Annealing towards a floor above the start would raise the learning rate."""
    for base_lr in base_lrs:
        if base_lr < min_lr:
            raise ValueError(
                f"{scheduler}: the initial learning rate {base_lr} is below min_lr={min_lr}; "
                "lower min_lr or raise the optimizer's lr"
            )


class _PhasedSchedule(LRScheduler):
    """Warm-up → hold → (anneal | constant tail) → ``min_lr`` after ``max_steps``.

    ``hold_steps`` is the step where the hold ends (warm-up included; 0: no hold) and
    ``constant_steps`` the length of a tail at ``min_lr`` before ``max_steps``. The constructor
    takes :class:`WarmupPolicy`'s arguments; a policy with a hold or a constant tail stores its
    ``(steps, ratio)`` pair in ``_hold``/``_constant`` before calling it, because
    ``LRScheduler.__init__`` already computes the first learning rate.
    """

    # Subclasses that anneal need the horizon; the plain policies run forever without it.
    _requires_max_steps: ClassVar[bool] = False
    _default_min_lr: ClassVar[float] = 0.0
    _hold: tuple[int | None, float | None] = (None, None)
    _constant: tuple[int | None, float | None] = (None, None)

    def __init__(
        self,
        optimizer: Optimizer,
        *,
        warmup_steps: int | None = None,
        warmup_ratio: float | None = None,
        max_steps: int | None = None,
        min_lr: float | None = None,
        last_epoch: int = -1,
    ) -> None:
        if max_steps is None and self._requires_max_steps:
            raise ScheduleArgumentError(
                f"{type(self).__name__} needs max_steps (the total number of optimizer steps): "
                "pass max_steps, or set trainer.max_steps / max_epochs so that it is computed"
            )
        self.max_steps = max_steps
        self.min_lr = self._default_min_lr if min_lr is None else min_lr
        self.warmup_steps = resolve_steps(warmup_steps, warmup_ratio, max_steps, "warmup")
        held = self._hold != (None, None)
        self.hold_steps = (
            resolve_steps(*self._hold, max_steps, "hold") + self.warmup_steps if held else 0
        )
        self.constant_steps = resolve_steps(*self._constant, max_steps, "constant")
        self.decay_steps = (
            None if max_steps is None else max_steps - (self.constant_steps + self.warmup_steps)
        )
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        step = self.last_epoch
        if self.warmup_steps > 0 and step <= self.warmup_steps:
            return self._get_warmup_lr(step)
        if self.warmup_steps <= step < self.hold_steps:
            return list(self.base_lrs)
        if self.constant_steps > 0 and self.max_steps is not None:
            assert self.decay_steps is not None
            if self.warmup_steps + self.decay_steps < step <= self.max_steps:
                return self._get_constant_lr(step)
        if self.max_steps is not None and step > self.max_steps:
            return [self.min_lr for _ in self.base_lrs]
        return self._get_lr(step)

    def _get_warmup_lr(self, step: int) -> list[Any]:
        fraction = (step + 1) / (self.warmup_steps + 1)
        return [base_lr * fraction for base_lr in self.base_lrs]

    def _get_constant_lr(self, step: int) -> list[Any]:
        return [self.min_lr for _ in self.base_lrs]

    def _get_lr(self, step: int) -> list[Any]:
        return list(self.base_lrs)

    def _check_min_lr(self) -> None:
        check_min_lr(type(self).__name__, self.base_lrs, self.min_lr)

    def _anneal(
        self, curve: Curve, step: int, start: int, decay_steps: int | None = None
    ) -> list[Any]:
        """``curve`` for every group's base rate, ``step - start`` steps into a decay phase of
        ``decay_steps`` (default: from ``start`` to ``max_steps``)."""
        if decay_steps is None:
            assert self.max_steps is not None
            decay_steps = self.max_steps - start
        return [curve(float(b), step - start, decay_steps, self.min_lr) for b in self.base_lrs]


class WarmupPolicy(_PhasedSchedule):
    """Linear warm-up to the base learning rate, then constant; ``min_lr`` after ``max_steps``.

    Arguments: ``warmup_steps`` or ``warmup_ratio`` (of ``max_steps``), ``max_steps``,
    ``min_lr``, ``last_epoch``, all keyword-only.
    """


class WarmupHoldPolicy(WarmupPolicy):
    """Warm-up, then the base learning rate held for ``hold_steps`` before annealing.

    ``hold_steps`` or ``hold_ratio`` (of ``max_steps``), and :class:`WarmupPolicy`'s arguments.

    Decision: ``max_steps=None`` means training without an end, as for :class:`WarmupPolicy`
    and as NeMo's docstring says. NeMo 3.0 itself accepts it and then raises a TypeError
    (``step > None``) at the first step after the hold, mid-training: a bug, not a refusal, so
    it is not copied. A ``hold_ratio`` without ``max_steps`` is refused at construction.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        *,
        hold_steps: int | None = None,
        hold_ratio: float | None = None,
        **kwargs: Any,
    ) -> None:
        self._hold = (hold_steps, hold_ratio)
        super().__init__(optimizer, **kwargs)


class WarmupAnnealHoldPolicy(_PhasedSchedule):
    """Warm-up, anneal, then ``constant_steps`` at ``min_lr`` before ``max_steps``.

    ``constant_steps`` or ``constant_ratio`` (of ``max_steps``), and :class:`WarmupPolicy`'s
    arguments.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        *,
        constant_steps: int | None = None,
        constant_ratio: float | None = None,
        **kwargs: Any,
    ) -> None:
        self._constant = (constant_steps, constant_ratio)
        super().__init__(optimizer, **kwargs)


class SquareRootConstantPolicy(LRScheduler):
    """``1/sqrt(constant_steps)`` for the first ``constant_steps``, then ``_get_lr``.

    As in NeMo (T5's schedule) the learning rate does not scale with the optimizer's ``lr``.
    NeMo computed the constant from the ``constant_steps`` argument even when
    ``constant_ratio`` was given (a TypeError); here the resolved step count is used.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        *,
        constant_steps: int | None = None,
        constant_ratio: float | None = None,
        max_steps: int | None = None,
        min_lr: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.max_steps = max_steps
        self.min_lr = min_lr
        self.constant_steps = resolve_steps(constant_steps, constant_ratio, max_steps, "constant")
        if self.constant_steps <= 0:
            raise ScheduleArgumentError(
                f"{type(self).__name__} needs constant_steps > 0 (or constant_ratio): its "
                "learning rate starts at 1/sqrt(constant_steps)"
            )
        self.constant_lr = 1 / self.constant_steps**0.5
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        step = self.last_epoch
        if step <= self.constant_steps:
            return [self.constant_lr for _ in self.base_lrs]
        if self.max_steps is not None and step > self.max_steps:
            return [self.min_lr for _ in self.base_lrs]
        return self._get_lr(step)

    def _get_lr(self, step: int) -> list[Any]:
        return list(self.base_lrs)
