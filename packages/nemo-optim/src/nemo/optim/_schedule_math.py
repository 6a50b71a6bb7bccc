"""Annealing curves as pure functions of the step: one place for each formula.

Every function takes ``step`` counted from the start of the annealing phase and ``decay_steps``,
the length of that phase. The expressions are arranged as NeMo 3.0 arranges them so that the
learning rates agree with it to the last bits, not only to a tolerance.
"""

from __future__ import annotations

import math

__all__ = [
    "cosine",
    "linear",
    "megatron_cosine",
    "noam_hold",
    "one_minus_sqrt",
    "polynomial",
    "square",
    "square_root",
]


def square(base_lr: float, step: int, decay_steps: int, min_lr: float) -> float:
    return max(base_lr * ((decay_steps - step) / decay_steps) ** 2, min_lr)


def square_root(base_lr: float, step: int, decay_steps: int, min_lr: float) -> float:
    return max(base_lr * float(((decay_steps - step) / decay_steps) ** 0.5), min_lr)


def cosine(base_lr: float, step: int, decay_steps: int, min_lr: float) -> float:
    multiplier = 0.5 * (1 + math.cos(math.pi * step / decay_steps))
    return (base_lr - min_lr) * multiplier + min_lr


def linear(base_lr: float, step: int, decay_steps: int, min_lr: float) -> float:
    return base_lr - (base_lr - min_lr) * (step / decay_steps)


def one_minus_sqrt(base_lr: float, step: int, decay_steps: int, min_lr: float) -> float:
    return max(base_lr * (1 - math.sqrt(step / decay_steps)), min_lr)


def polynomial(
    base_lr: float, step: int, decay_steps: int, min_lr: float, power: float, cycle: bool
) -> float:
    """Polynomial decay to ``min_lr``; with ``cycle`` the horizon grows to the next multiple."""
    if cycle:
        decay_steps *= 1 if step == 0 else math.ceil(step / decay_steps)
    else:
        step = min(step, decay_steps)
    return (base_lr - min_lr) * math.pow(1.0 - step / decay_steps, power) + min_lr


def noam_hold(
    base_lr: float, step: int, warmup_steps: int, hold_steps: int, decay_rate: float, min_lr: float
) -> float:
    """Inverse-power decay after a hold, scaled to be continuous with the end of warm-up."""
    warmup_scale = max(1.0, float(warmup_steps**decay_rate))
    decay_scale = max(1.0, float((step - hold_steps) ** decay_rate))
    return max(base_lr * warmup_scale / decay_scale, min_lr)


def megatron_cosine(
    base_lr: float, step: int, warmup_steps: int, decay_steps: int, min_lr: float
) -> float:
    """Megatron's schedule: warm-up from 0, cosine over ``decay_steps``, then ``min_lr``."""
    if warmup_steps > 0 and step <= warmup_steps:
        return base_lr * float(step) / float(warmup_steps)
    if step > warmup_steps + decay_steps:
        return min_lr
    ratio = float(step - warmup_steps) / float(decay_steps)
    return min_lr + 0.5 * (math.cos(math.pi * ratio) + 1.0) * (base_lr - min_lr)
