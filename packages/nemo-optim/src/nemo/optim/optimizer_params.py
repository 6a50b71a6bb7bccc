"""Params dataclasses of the optimizers nemo-optim registers, with NeMo 3.0's defaults.

They validate ``optim.args`` (``name: auto`` or a params name) and list each optimizer's
arguments. ``lr`` is MISSING (``'???'``) because the model config sets it. Fields and defaults are
NeMo's, quirks included: ``AdamParams`` has no ``betas`` (NeMo leaves it out on purpose; the
optimizer still accepts ``betas`` given next to ``name`` in ``optim``). NeMo registers Adan
without params; ``AdanParams`` lists its arguments with the class's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nemo.core.config.optimizers import OptimizerParams

__all__ = [
    "AdadeltaParams",
    "AdafactorParams",
    "AdagradParams",
    "AdamParams",
    "AdamWParams",
    "AdamaxParams",
    "AdanParams",
    "NovogradParams",
    "OptimizerParams",
    "RMSpropParams",
    "RpropParams",
    "SGDParams",
]


@dataclass
class SGDParams(OptimizerParams):
    momentum: float = 0
    dampening: float = 0
    weight_decay: float = 0
    nesterov: bool = False


@dataclass
class AdamParams(OptimizerParams):
    eps: float = 1e-08
    weight_decay: float = 0
    amsgrad: bool = False


@dataclass
class AdamWParams(OptimizerParams):
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-08
    weight_decay: float = 0
    amsgrad: bool = False


@dataclass
class AdadeltaParams(OptimizerParams):
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0


@dataclass
class AdamaxParams(OptimizerParams):
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0


@dataclass
class AdagradParams(OptimizerParams):
    lr_decay: float = 0
    weight_decay: float = 0
    initial_accumulator_value: float = 0
    eps: float = 1e-10


@dataclass
class RMSpropParams(OptimizerParams):
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0
    momentum: float = 0
    centered: bool = False


@dataclass
class RpropParams(OptimizerParams):
    etas: tuple[float, float] = (0.5, 1.2)
    step_sizes: tuple[float, float] = (1e-6, 50)


@dataclass
class NovogradParams(OptimizerParams):
    betas: tuple[float, float] = (0.95, 0.98)
    eps: float = 1e-8
    weight_decay: float = 0
    grad_averaging: bool = False
    amsgrad: bool = False
    luc: bool = False
    luc_trust: float = 1e-3
    luc_eps: float = 1e-8


@dataclass
class AdafactorParams(OptimizerParams):
    """NeMo's defaults; ``decay_rate=0.8`` is the paper's exponent c in ``β2 = 1 - t^(-c)``."""

    beta1: Any = None
    eps: tuple[float, float] = (1e-30, 1e-3)
    clip_threshold: float = 1.0
    decay_rate: float = 0.8
    weight_decay: float = 0
    scale_parameter: bool = True
    relative_step: bool = False
    warmup_init: bool = False


@dataclass
class AdanParams(OptimizerParams):
    betas: tuple[float, float, float] = (0.98, 0.92, 0.99)
    eps: float = 1e-8
    weight_decay: float = 0.0
    max_grad_norm: float = 0.0
    no_prox: bool = False
