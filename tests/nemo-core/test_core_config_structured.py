"""Structured configs: trainer, exp_manager and model dataclasses, and the all-problems checker."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytorch_lightning as pl
from omegaconf import MISSING, OmegaConf
from omegaconf.errors import ConfigKeyError

from nemo.core.config.base_config import Config
from nemo.core.config.modelPT import (
    ModelConfig,
    ModelConfigBuilder,
    NemoConfig,
    OptimConfig,
    SchedConfig,
)
from nemo.core.config.optimizers import OptimizerParams
from nemo.core.config.pytorch import DataLoaderConfig
from nemo.core.config.pytorch_lightning import TrainerConfig
from nemo.core.config.schedulers import SchedulerParams
from nemo.utils._validation import validate_config
from nemo.utils.exceptions import ConfigValidationError
from nemo.utils.exp_manager import CallbackParams, ExpManagerConfig


def test_trainer_config_mirrors_the_lightning_trainer() -> None:
    signature = inspect.signature(pl.Trainer.__init__).parameters
    arguments = {n: p.default for n, p in signature.items() if n != "self"}
    fields = {f.name: f.default for f in dataclasses.fields(TrainerConfig)}
    assert fields == arguments
    trainer = pl.Trainer(**OmegaConf.structured(TrainerConfig(logger=False, max_steps=3)))
    assert trainer.max_steps == 3 and trainer.logger is None


def test_trainer_config_rejects_lightning_1_keys_by_name() -> None:
    with pytest.raises(ConfigValidationError) as info:
        validate_config({"gpus": 1, "checkpoint_callback": False}, TrainerConfig, what="trainer")
    assert "gpus: unknown key" in str(info.value)
    assert "checkpoint_callback: unknown key" in str(info.value)


def test_nemo_config_defaults() -> None:
    cfg = OmegaConf.structured(NemoConfig)
    assert cfg.trainer.logger is False and cfg.trainer.enable_checkpointing is False
    assert cfg.trainer.log_every_n_steps == 1
    assert cfg.exp_manager.create_checkpoint_callback is True
    assert cfg.hydra.run == {"dir": "."}
    assert sorted(OmegaConf.missing_keys(cfg)) == ["model", "name"]
    with pytest.raises(ConfigValidationError) as info:
        validate_config({"model": {"optim": {"sched": {}}}}, NemoConfig, what="script")
    assert [p.key for p in info.value.problems] == [
        "model.optim.name",
        "model.optim.sched.name",
        "name",
    ]


def test_exp_manager_config_fields() -> None:
    cfg = OmegaConf.structured(ExpManagerConfig)
    assert cfg.exp_dir is None and cfg.use_datetime_version is True
    assert cfg.create_tensorboard_logger and not cfg.create_wandb_logger
    assert not cfg.resume_if_exists and not cfg.resume_past_end
    params = cfg.checkpoint_callback_params
    assert (params.monitor, params.mode, params.save_top_k, params.save_last) == (
        "val_loss",
        "min",
        3,
        True,
    )
    assert not params.always_save_nemo and not params.save_best_model
    assert params.every_n_epochs == 1 and params.every_n_train_steps is None
    assert cfg.early_stopping_callback_params.patience == 10
    assert set(OmegaConf.structured(CallbackParams)) >= {"filepath", "prefix", "postfix", "period"}


def test_data_loader_and_base_configs() -> None:
    assert OmegaConf.missing_keys(OmegaConf.structured(DataLoaderConfig)) == {"batch_size"}
    assert Config().name is None


@dataclass
class NovogradParams(OptimizerParams):
    betas: tuple[float, float] = (0.95, 0.98)
    weight_decay: float = 0.0


@dataclass
class CosineAnnealingParams(SchedulerParams):
    min_lr: float = 0.0
    max_steps: int | None = None


class Builder(ModelConfigBuilder):
    def _finalize_cfg(self) -> None:
        assert self.model_cfg.optim is not None


def test_model_config_builder() -> None:
    builder = Builder(ModelConfig())
    builder.set_train_ds(None)
    builder.set_optim(NovogradParams(lr=0.01), CosineAnnealingParams(min_lr=1e-4))
    cfg = OmegaConf.structured(builder.build())
    assert cfg.optim.name == "novograd" and cfg.optim.lr == 0.01
    assert list(cfg.optim.betas) == [0.95, 0.98]
    assert cfg.optim.sched.name == "CosineAnnealing" and cfg.optim.sched.min_lr == 1e-4
    assert isinstance(builder.model_cfg.optim, OptimConfig)
    assert isinstance(builder.model_cfg.optim.sched, SchedConfig)
    with pytest.raises(NotImplementedError, match="_finalize_cfg"):
        ModelConfigBuilder(ModelConfig()).build()


@dataclass
class Inner:
    size: int = 3
    path: str = MISSING


@dataclass
class Outer:
    name: str = "x"
    inner: Inner | None = None
    options: dict[str, Any] = field(default_factory=dict)
    anything: Any = None
    sizes: list[int] = field(default_factory=list)


class TestValidateConfig:
    def test_merges_onto_defaults_with_types(self) -> None:
        cfg = validate_config(
            {"inner": {"path": "p", "size": "4"}, "options": {"new": 1}, "anything": {"a": [1]}},
            Outer,
            what="cfg",
        )
        assert cfg.inner.size == 4 and cfg.inner.path == "p"
        assert cfg.options == {"new": 1} and cfg.anything == {"a": [1]}
        assert OmegaConf.is_readonly(cfg) is not True and OmegaConf.is_struct(cfg)

    def test_collects_every_problem(self) -> None:
        with pytest.raises(ConfigValidationError) as info:
            validate_config(
                {"nme": "y", "inner": {"size": "big", "extra": 1}, "sizes": ["a"]},
                Outer,
                what="my config",
            )
        error = info.value
        assert isinstance(error, ConfigKeyError) and isinstance(error, ValueError)
        keys = [(p.key, p.problem.split(" (")[0]) for p in error.problems]
        assert keys == [
            ("nme", "unknown key"),
            ("inner.size", "'big' is not a valid int"),
            ("inner.extra", "unknown key"),
            ("sizes", "['a'] is not a valid list[int]"),
            ("inner.path", "required value missing"),
        ]
        text = str(error)
        assert text.startswith("my config: 5 problems in the configuration")
        assert "did you mean 'name'?" in text

    def test_interpolations_are_kept(self) -> None:
        cfg = validate_config({"name": "${inner.path}", "inner": {"path": "p"}}, Outer, what="c")
        assert cfg.name == "p"

    def test_schema_must_be_a_dataclass(self) -> None:
        with pytest.raises(TypeError, match="dataclass"):
            validate_config({}, {"a": 1}, what="c")


def test_exported_like_nemo() -> None:
    from nemo.core import config

    assert config.hydra_runner is hydra_runner_function()
    assert config.TrainerConfig is TrainerConfig and config.DataLoaderConfig is DataLoaderConfig
    assert config.Config is Config


def hydra_runner_function() -> Any:
    from nemo.core.config.hydra_runner import hydra_runner

    return hydra_runner
