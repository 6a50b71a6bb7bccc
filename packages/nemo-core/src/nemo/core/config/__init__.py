"""Config dataclasses of optimizers and schedulers (NeMo's ``nemo.core.config``).

The base classes are defined in nemo-core; the concrete params of NeMo's optimizers and
schedulers come from nemo-optim and are imported only when first used.
"""

from __future__ import annotations

from nemo.core.config.optimizers import OPTIM_PROVIDED_PARAMS, OptimizerParams
from nemo.core.config.schedulers import SCHED_PROVIDED_PARAMS, SchedulerParams
from nemo.core.optim._provided import provided_exports

__all__ = ["OptimizerParams", "SchedulerParams"]

__getattr__, __dir__ = provided_exports(
    __name__, {}, {**OPTIM_PROVIDED_PARAMS, **SCHED_PROVIDED_PARAMS}, "nemo-optim"
)
