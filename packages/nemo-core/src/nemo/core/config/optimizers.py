"""Optimizer params dataclasses: the base class here, the concrete ones from nemo-optim.

``OptimizerParams`` lives in nemo-core so that a third-party plugin can subclass it without
depending on nemo-optim; ``NovogradParams``, ``AdamParams``, … are registered by nemo-optim and
resolved by class name on first use (with an install hint when it is missing).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from omegaconf import MISSING

from nemo.core.optim._arguments import ParamsView, build_params
from nemo.core.optim._provided import registered_exports

__all__ = [
    "AVAILABLE_OPTIMIZER_PARAMS",
    "OptimizerParams",
    "get_optimizer_config",
]


@dataclass
class OptimizerParams:
    """Base of every optimizer's params; ``lr`` is MISSING because the model config sets it."""

    lr: Any = MISSING


__getattr__, __dir__ = registered_exports(__name__, (("optimizers", True),))


def _view() -> ParamsView:
    from nemo.core.plugins import optimizers

    return ParamsView(optimizers, "_params", "optim_params", OptimizerParams)


# Quirk 5 (NeMo stored params under "<OptimizerClass.__name__>_params" while ``name: auto``
# looked up "<name>_params"): fixed. Params are kept on the registration itself, so the key is
# always "<registered name>_params" and ``name: auto`` finds a run-time registration's params.
AVAILABLE_OPTIMIZER_PARAMS: ParamsView = _view()


def get_optimizer_config(name: str, **kwargs: Any) -> functools.partial[Any]:
    """The params dataclass registered as ``name`` with ``kwargs`` bound, as NeMo returned it.

    The keys are checked now, so a misspelt argument fails here rather than on first use.
    """
    params_cls = AVAILABLE_OPTIMIZER_PARAMS.lookup(name)
    build_params(params_cls, kwargs, purpose=f"optimizer params {name!r}")
    return functools.partial(params_cls, **kwargs)
