"""Config dataclasses of optimizers and schedulers (NeMo's ``nemo.core.config``).

The base classes are defined in nemo-core; the concrete params (``NovogradParams``,
``CosineAnnealingParams``, …) are those the installed plugins register (nemo-optim for NeMo's),
resolved by class name on first use.
"""

from __future__ import annotations

from omegaconf import MISSING

from nemo.core.config.base_config import Config
from nemo.core.config.hydra_runner import hydra_runner  # Hydra itself is imported when it runs
from nemo.core.config.optimizers import OptimizerParams
from nemo.core.config.pytorch import DataLoaderConfig
from nemo.core.config.pytorch_lightning import TrainerConfig
from nemo.core.config.schedulers import SchedulerParams
from nemo.core.optim._provided import registered_exports

__all__ = [
    "MISSING",
    "Config",
    "DataLoaderConfig",
    "OptimizerParams",
    "SchedulerParams",
    "TrainerConfig",
    "hydra_runner",
]

__getattr__, __dir__ = registered_exports(__name__, (("optimizers", True), ("schedulers", True)))
