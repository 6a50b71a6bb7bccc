"""Structured configs of a NeMo training script: model sections, trainer, exp_manager, hydra.

``NemoConfig`` is the schema of a whole script config (``name``, ``model``, ``trainer``,
``exp_manager``); pass it, or a subclass naming a model's own config, to
:func:`~nemo.core.config.hydra_runner.hydra_runner` as ``schema``. ``ModelConfigBuilder``
builds a model config in code, with the optimizer and scheduler taken from their params
dataclasses.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING

from nemo.core.classes.dataset import DatasetConfig
from nemo.core.config.optimizers import OptimizerParams
from nemo.core.config.pytorch_lightning import TrainerConfig
from nemo.core.config.schedulers import SchedulerParams
from nemo.utils._exp_config import ExpManagerConfig

__all__ = [
    "HydraConfig",
    "ModelConfig",
    "ModelConfigBuilder",
    "NemoConfig",
    "OptimConfig",
    "SchedConfig",
]


@dataclass
class SchedConfig:
    """The ``optim.sched`` section: which scheduler (registered name) and its common options."""

    name: str = MISSING
    min_lr: float = 0.0
    last_epoch: int = -1


@dataclass
class OptimConfig:
    """The ``optim`` section: which optimizer (registered name) and its scheduler."""

    name: str = MISSING
    sched: SchedConfig | None = None


@dataclass
class ModelConfig:
    """The sections every model config has; a model's own config dataclass extends it."""

    train_ds: DatasetConfig | None = None
    validation_ds: DatasetConfig | None = None
    test_ds: DatasetConfig | None = None
    optim: OptimConfig | None = None


@dataclass
class HydraConfig:
    """NeMo's Hydra settings: stay in the current directory, add no log handler."""

    run: dict[str, Any] = field(default_factory=lambda: {"dir": "."})
    job_logging: dict[str, Any] = field(default_factory=lambda: {"root": {"handlers": None}})


def _nemo_trainer() -> TrainerConfig:
    # exp_manager creates the logger and the checkpoint callback: the Trainer must not.
    return TrainerConfig(logger=False, enable_checkpointing=False, log_every_n_steps=1)


@dataclass
class NemoConfig:
    """A whole training script's config."""

    name: str = MISSING
    model: ModelConfig = MISSING
    trainer: TrainerConfig = field(default_factory=_nemo_trainer)
    exp_manager: ExpManagerConfig | None = field(default_factory=ExpManagerConfig)
    hydra: HydraConfig = field(default_factory=HydraConfig)


class ModelConfigBuilder:
    """Builds a model config in code; subclasses check it in :meth:`_finalize_cfg`."""

    def __init__(self, model_cfg: ModelConfig) -> None:
        self.model_cfg = model_cfg
        self.train_ds_cfg: DatasetConfig | None = None
        self.validation_ds_cfg: DatasetConfig | None = None
        self.test_ds_cfg: DatasetConfig | None = None
        self.optim_cfg: OptimConfig | None = None

    def set_train_ds(self, cfg: DatasetConfig | None = None) -> None:
        self.model_cfg.train_ds = cfg

    def set_validation_ds(self, cfg: DatasetConfig | None = None) -> None:
        self.model_cfg.validation_ds = cfg

    def set_test_ds(self, cfg: DatasetConfig | None = None) -> None:
        self.model_cfg.test_ds = cfg

    def set_optim(self, cfg: OptimizerParams, sched_cfg: SchedulerParams | None = None) -> None:
        """Set ``optim`` from an optimizer's params (and a scheduler's), as NeMo names them.

        The optimizer's name is its params class name without ``Params``, lower-cased
        (``NovogradParams`` → ``novograd``); the scheduler's keeps its case
        (``CosineAnnealingParams`` → ``CosineAnnealing``).
        """
        optim_name = _without_params_suffix(cfg).lower()
        optim = _combined(OptimConfig, cfg)(name=optim_name, sched=None, **_values(cfg))
        if sched_cfg is not None:
            sched_name = _without_params_suffix(sched_cfg)
            optim.sched = _combined(SchedConfig, sched_cfg)(name=sched_name, **_values(sched_cfg))
        self.model_cfg.optim = optim

    def _finalize_cfg(self) -> None:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _finalize_cfg (check and complete the config)"
        )

    def build(self) -> ModelConfig:
        self._finalize_cfg()
        return self.model_cfg


def _without_params_suffix(params: Any) -> str:
    name = type(params).__name__
    return name[: -len("Params")] if name.endswith("Params") else name


def _combined(section: type, params: Any) -> Any:
    """A dataclass with the section's fields (``name``, ``sched``…) and the params' fields."""
    return dataclasses.make_dataclass(
        f"{type(params).__name__}{section.__name__}", [], bases=(section, type(params))
    )


def _values(params: Any) -> dict[str, Any]:
    return {f.name: getattr(params, f.name) for f in dataclasses.fields(params) if f.init}
