"""Scheduler params dataclasses: the base class here, the concrete ones from nemo-optim.

``SchedulerParams`` lives in nemo-core so that a third-party plugin can subclass it without
depending on nemo-optim; ``CosineAnnealingParams``, … are defined by nemo-optim and resolved on
first use (with an install hint when it is missing).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from nemo.core.config._params import ParamsView, build_params
from nemo.core.optim._provided import provided_exports

__all__ = [
    "AVAILABLE_SCHEDULER_PARAMS",
    "SCHED_PROVIDED_PARAMS",
    "SchedulerParams",
    "get_scheduler_config",
]


@dataclass
class SchedulerParams:
    """Base of every scheduler's params."""

    last_epoch: int = -1


# Defined by nemo-optim: name -> module, resolved lazily by this module's ``__getattr__``.
SCHED_PROVIDED_PARAMS: dict[str, str] = {
    name: "nemo.optim.scheduler_params"
    for name in (
        "WarmupSchedulerParams",
        "WarmupHoldSchedulerParams",
        "WarmupAnnealingHoldSchedulerParams",
        "SquareRootConstantSchedulerParams",
        "SquareAnnealingParams",
        "SquareRootAnnealingParams",
        "CosineAnnealingParams",
        "NoamAnnealingParams",
        "NoamHoldAnnealingParams",
        "WarmupAnnealingParams",
        "WarmupHoldAnnealOneMinusSquareRootParams",
        "WarmupHoldAnnealLinearParams",
        "InverseSquareRootAnnealingParams",
        "T5InverseSquareRootAnnealingParams",
        "PolynomialDecayAnnealingParams",
        "PolynomialHoldDecayAnnealingParams",
        "StepLRParams",
        "ExponentialLRParams",
        "ReduceLROnPlateauParams",
        "CyclicLRParams",
        "OneCycleLRParams",
        "CosineAnnealingLRParams",
        "CosineAnnealingWarmRestartsParams",
        "MultiStepLRParams",
        "LinearLRParams",
        "ConstantLRParams",
        "PolynomialLRParams",
        "LambdaLRParams",
    )
}

__getattr__, __dir__ = provided_exports(__name__, {}, SCHED_PROVIDED_PARAMS, "nemo-optim")


def _view() -> ParamsView:
    from nemo.core.plugins import schedulers

    return ParamsView(schedulers, "Params", "SchedulerParams", SchedulerParams)


# Quirk 5 (NeMo stored params under "<SchedulerClass.__name__>_params" while ``name: auto``
# looked up "<Name>Params", so a registered scheduler's params were never found): fixed. Params
# are kept on the registration, so "<registered name>Params" always resolves.
AVAILABLE_SCHEDULER_PARAMS: ParamsView = _view()


def get_scheduler_config(name: str, **kwargs: Any) -> functools.partial[Any]:
    """The params dataclass registered as ``name`` with ``kwargs`` bound, as NeMo returned it."""
    params_cls = AVAILABLE_SCHEDULER_PARAMS.lookup(name)
    build_params(params_cls, kwargs, purpose=f"scheduler params {name!r}")
    return functools.partial(params_cls, **kwargs)
