"""Scheduler params dataclasses: the base class here, the concrete ones from nemo-optim.

``SchedulerParams`` lives in nemo-core so that a third-party plugin can subclass it without
depending on nemo-optim; ``CosineAnnealingParams``, … are registered by nemo-optim and resolved by
class name on first use (with an install hint when it is missing).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from nemo.core.optim._arguments import ParamsView, build_params
from nemo.core.optim._provided import registered_exports

__all__ = [
    "AVAILABLE_SCHEDULER_PARAMS",
    "SchedulerParams",
    "get_scheduler_config",
]


@dataclass
class SchedulerParams:
    """Base of every scheduler's params."""

    last_epoch: int = -1


__getattr__, __dir__ = registered_exports(__name__, (("schedulers", True),))


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
