"""Optimizers and learning-rate schedulers, NeMo's API over the plugin registries.

Importing this package is cheap. The functions come from :mod:`.optimizers` and
:mod:`.lr_scheduler`; optimizer and scheduler classes (``Novograd``, ``CosineAnnealing``, …)
resolve by class name through the registries, so they come from the installed plugins
(nemo-optim for NeMo's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemo.core._lazy import lazy_exports
from nemo.core.optim._provided import registered_exports

_EXPORTS: dict[str, str] = {
    "AVAILABLE_OPTIMIZERS": "nemo.core.optim.optimizers",
    "get_optimizer": "nemo.core.optim.optimizers",
    "parse_optimizer_args": "nemo.core.optim.optimizers",
    "register_optimizer": "nemo.core.optim.optimizers",
    "AVAILABLE_SCHEDULERS": "nemo.core.optim.lr_scheduler",
    "compute_max_steps": "nemo.core.optim.lr_scheduler",
    "get_scheduler": "nemo.core.optim.lr_scheduler",
    "prepare_lr_scheduler": "nemo.core.optim.lr_scheduler",
    "register_scheduler": "nemo.core.optim.lr_scheduler",
    "build_optimizer": "nemo.core.optim.optimizers",
    "UnknownArgumentError": "nemo.core.optim._arguments",
    "MissingArgumentError": "nemo.core.optim._arguments",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(
    __name__,
    _EXPORTS,
    fallback=registered_exports(__name__, (("optimizers", False), ("schedulers", False))),
)


if TYPE_CHECKING:
    from nemo.core.optim._arguments import MissingArgumentError as MissingArgumentError
    from nemo.core.optim._arguments import UnknownArgumentError as UnknownArgumentError
    from nemo.core.optim.lr_scheduler import AVAILABLE_SCHEDULERS as AVAILABLE_SCHEDULERS
    from nemo.core.optim.lr_scheduler import compute_max_steps as compute_max_steps
    from nemo.core.optim.lr_scheduler import get_scheduler as get_scheduler
    from nemo.core.optim.lr_scheduler import prepare_lr_scheduler as prepare_lr_scheduler
    from nemo.core.optim.lr_scheduler import register_scheduler as register_scheduler
    from nemo.core.optim.optimizers import AVAILABLE_OPTIMIZERS as AVAILABLE_OPTIMIZERS
    from nemo.core.optim.optimizers import build_optimizer as build_optimizer
    from nemo.core.optim.optimizers import get_optimizer as get_optimizer
    from nemo.core.optim.optimizers import parse_optimizer_args as parse_optimizer_args
    from nemo.core.optim.optimizers import register_optimizer as register_optimizer
