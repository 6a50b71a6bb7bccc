"""Params dataclasses of the schedulers nemo-optim registers, with NeMo 3.0's defaults.

Fields and defaults of NeMo's classes are NeMo 3.0's, quirks kept for config compatibility:

* ``max_steps=0``: a placeholder; ``prepare_lr_scheduler`` injects the real value.
* ``NoamAnnealingParams`` has no ``d_model`` and the polynomial ones no ``min_lr``/hold fields:
  give those next to ``name`` in ``sched`` (they are checked against the class's signature).
* ``StepLRParams.step_size=0.1`` (torch wants a step count): set ``step_size`` explicitly.
* ``ReduceLROnPlateauParams.verbose``: torch 2.x removed the argument; left at its default it is
  dropped when the scheduler is built, set to anything else it is reported.

The torch schedulers NeMo did not wrap (OneCycleLR, CosineAnnealingLR, …) follow torch's defaults;
their required arguments are MISSING (``'???'``) and reported when not given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nemo.core.config import MISSING
from nemo.core.config.schedulers import SchedulerParams

__all__ = [
    "ConstantLRParams",
    "CosineAnnealingLRParams",
    "CosineAnnealingParams",
    "CosineAnnealingWarmRestartsParams",
    "CyclicLRParams",
    "ExponentialLRParams",
    "InverseSquareRootAnnealingParams",
    "LinearLRParams",
    "MultiStepLRParams",
    "NoamAnnealingParams",
    "NoamHoldAnnealingParams",
    "OneCycleLRParams",
    "PolynomialDecayAnnealingParams",
    "PolynomialHoldDecayAnnealingParams",
    "PolynomialLRParams",
    "ReduceLROnPlateauParams",
    "SchedulerParams",
    "SquareAnnealingParams",
    "SquareRootAnnealingParams",
    "SquareRootConstantSchedulerParams",
    "StepLRParams",
    "T5InverseSquareRootAnnealingParams",
    "WarmupAnnealingHoldSchedulerParams",
    "WarmupAnnealingParams",
    "WarmupHoldAnnealLinearParams",
    "WarmupHoldAnnealOneMinusSquareRootParams",
    "WarmupHoldSchedulerParams",
    "WarmupSchedulerParams",
]

# -- NeMo's schedulers ------------------------------------------------------------------------


@dataclass
class WarmupSchedulerParams(SchedulerParams):
    max_steps: int = 0
    warmup_steps: int | None = None
    warmup_ratio: float | None = None


@dataclass
class WarmupHoldSchedulerParams(WarmupSchedulerParams):
    hold_steps: int | None = None
    hold_ratio: float | None = None
    min_lr: float = 0.0


@dataclass
class WarmupAnnealingHoldSchedulerParams(WarmupSchedulerParams):
    constant_steps: int | None = None
    constant_ratio: float | None = None
    min_lr: float = 0.0


@dataclass
class SquareRootConstantSchedulerParams(SchedulerParams):
    constant_steps: int | None = None
    constant_ratio: float | None = None


@dataclass
class SquareAnnealingParams(WarmupSchedulerParams):
    min_lr: float = 1e-5


@dataclass
class SquareRootAnnealingParams(WarmupSchedulerParams):
    min_lr: float = 0.0


@dataclass
class CosineAnnealingParams(WarmupAnnealingHoldSchedulerParams):
    min_lr: float = 0.0


@dataclass
class NoamAnnealingParams(WarmupSchedulerParams):
    min_lr: float = 0.0


@dataclass
class NoamHoldAnnealingParams(WarmupHoldSchedulerParams):
    decay_rate: float = 0.5


@dataclass
class WarmupAnnealingParams(WarmupSchedulerParams):
    pass


@dataclass
class InverseSquareRootAnnealingParams(WarmupSchedulerParams):
    pass


@dataclass
class PolynomialDecayAnnealingParams(WarmupSchedulerParams):
    power: float = 1.0
    cycle: bool = False


@dataclass
class PolynomialHoldDecayAnnealingParams(WarmupSchedulerParams):
    power: float = 1.0
    cycle: bool = False


# NeMo 3.0 registers these schedulers without params; ours have the fields their classes take.
@dataclass
class WarmupHoldAnnealOneMinusSquareRootParams(WarmupHoldSchedulerParams):
    pass


@dataclass
class WarmupHoldAnnealLinearParams(WarmupHoldSchedulerParams):
    pass


@dataclass
class T5InverseSquareRootAnnealingParams(SquareRootConstantSchedulerParams):
    max_steps: int = 0
    min_lr: float = 0.0


# -- torch's schedulers -------------------------------------------------------------------------


@dataclass
class StepLRParams(SchedulerParams):
    step_size: Any = 0.1
    gamma: float = 0.1


@dataclass
class ExponentialLRParams(SchedulerParams):
    gamma: float = 0.9


@dataclass
class ReduceLROnPlateauParams:
    """Not a SchedulerParams: torch's ReduceLROnPlateau has no ``last_epoch``."""

    mode: str = "min"
    factor: float = 0.1
    patience: int = 10
    verbose: bool = False
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    min_lr: float = 0
    eps: float = 1e-8


@dataclass
class CyclicLRParams(SchedulerParams):
    base_lr: float = 0.001
    max_lr: float = 0.1
    step_size_up: int = 2000
    step_size_down: int | None = None
    mode: str = "triangular"
    gamma: float = 1.0
    scale_mode: str = "cycle"
    cycle_momentum: bool = True
    base_momentum: float = 0.8
    max_momentum: float = 0.9


@dataclass
class OneCycleLRParams(SchedulerParams):
    max_lr: Any = MISSING
    total_steps: int | None = None
    epochs: int | None = None
    steps_per_epoch: int | None = None
    pct_start: float = 0.3
    anneal_strategy: str = "cos"
    cycle_momentum: bool = True
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False


@dataclass
class CosineAnnealingLRParams(SchedulerParams):
    T_max: Any = MISSING
    eta_min: float = 0.0


@dataclass
class CosineAnnealingWarmRestartsParams(SchedulerParams):
    T_0: Any = MISSING
    T_mult: int = 1
    eta_min: float = 0.0


@dataclass
class MultiStepLRParams(SchedulerParams):
    milestones: Any = MISSING
    gamma: float = 0.1


@dataclass
class LinearLRParams(SchedulerParams):
    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5


@dataclass
class ConstantLRParams(SchedulerParams):
    factor: float = 1.0 / 3
    total_iters: int = 5


@dataclass
class PolynomialLRParams(SchedulerParams):
    total_iters: int = 5
    power: float = 1.0
