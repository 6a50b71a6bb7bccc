"""OptimizationMixin: from a model's ``optim`` config to Lightning's optimizers, in real fits.

A tiny LightningModule inherits the mixin (so these tests do not depend on ModelPT) and sets
the attributes the mixin reads. Only nemo-core is needed: torch's SGD by class path, plus an
optimizer and schedulers registered at run time.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import pytorch_lightning as pl
import torch
from core_test_optim import LinearDecay, LinearDecayParams, PlainSGDParams
from omegaconf import OmegaConf
from torch.utils.data import DataLoader, TensorDataset

from nemo.core.classes._optimization import OptimizationMixin
from nemo.core.optim import UnknownArgumentError
from nemo.core.optim.lr_scheduler import register_scheduler
from nemo.core.optim.optimizers import register_optimizer
from nemo.core.plugins import UnknownNameError


@pytest.fixture(autouse=True)
def registered(runtime_registrations):
    register_optimizer("plain_sgd", torch.optim.SGD, PlainSGDParams)
    register_scheduler("LinearDecay", LinearDecay, LinearDecayParams)
    register_scheduler("TestPlateau", torch.optim.lr_scheduler.ReduceLROnPlateau, None)


class TinyModel(OptimizationMixin, pl.LightningModule):
    def __init__(self, cfg: dict[str, Any], trainer: pl.Trainer | None = None, samples: int = 24):
        super().__init__()
        self.layer = torch.nn.Linear(3, 1)
        self._cfg = OmegaConf.create(cfg)
        OmegaConf.set_struct(self._cfg, True)
        self._trainer = trainer
        generator = torch.Generator().manual_seed(0)
        x = torch.randn(samples, 3, generator=generator)
        self._train_dl = DataLoader(TensorDataset(x, x.sum(1, keepdim=True)), batch_size=4)
        self._optimizer = None
        self._scheduler = None
        self.seen_lrs: list[float] = []

    def training_step(self, batch, batch_idx):
        x, y = batch
        self.seen_lrs.append(self.trainer.optimizers[0].param_groups[0]["lr"])
        loss = torch.nn.functional.mse_loss(self.layer(x), y)
        self.log("loss", loss)
        self.log("flat", 1.0, on_step=False, on_epoch=True)  # never improves
        return loss

    def train_dataloader(self):
        return self._train_dl


def test_fit_follows_the_schedule_to_trainer_max_steps(quiet_trainer):
    trainer = quiet_trainer(max_steps=6)
    optim = {"_target_": "torch.optim.SGD", "lr": 0.1, "momentum": 0.5, "sched": {}}
    optim["sched"] = {"name": "LinearDecay"}
    model = TinyModel({"optim": optim}, trainer)
    first_loss = torch.nn.functional.mse_loss(model.layer(model._train_dl.dataset.tensors[0]),
                                              model._train_dl.dataset.tensors[1])  # fmt: skip
    trainer.fit(model)
    assert isinstance(model._optimizer, torch.optim.SGD)
    assert model._optimizer.defaults["momentum"] == 0.5
    assert model._scheduler["scheduler"].max_steps == 6  # trainer.max_steps
    assert model.seen_lrs == pytest.approx([0.1 * (1 - s / 6) for s in range(6)], rel=1e-12)
    last_loss = torch.nn.functional.mse_loss(model.layer(model._train_dl.dataset.tensors[0]),
                                             model._train_dl.dataset.tensors[1])  # fmt: skip
    assert last_loss < first_loss


def test_max_steps_from_epochs_batches_accumulation_and_limit(quiet_trainer):
    # 50 samples, batches of 4: 13 batches; limit 0.5 -> 6; accumulating 2 -> 3 steps an epoch
    trainer = quiet_trainer(max_epochs=2, accumulate_grad_batches=2, limit_train_batches=0.5)
    optim = {"name": "plain_sgd", "lr": 0.2, "sched": {"name": "LinearDecay"}}
    model = TinyModel({"optim": optim}, trainer, samples=50)
    trainer.fit(model)
    max_steps = model._scheduler["scheduler"].max_steps
    assert max_steps == 6 == trainer.estimated_stepping_batches == trainer.global_step
    # the rate changes once per optimizer step, i.e. every second batch
    expected = [0.2 * (1 - s / 6) for s in range(6) for _ in range(2)]
    assert model.seen_lrs == pytest.approx(expected, rel=1e-12)


def test_reduce_on_plateau_is_stepped_by_lightning_on_its_monitor(quiet_trainer):
    trainer = quiet_trainer(max_epochs=3, limit_train_batches=2)
    sched = {"name": "TestPlateau", "monitor": "flat", "interval": "epoch", "patience": 0}
    model = TinyModel({"optim": {"name": "plain_sgd", "lr": 0.1, "sched": sched}}, trainer)
    trainer.fit(model)
    config = trainer.lr_scheduler_configs[0]
    assert config.reduce_on_plateau and config.monitor == "flat" and config.interval == "epoch"
    # epoch 1 sets the best value; it never improves, so the rate is cut after epochs 2 and 3
    assert model.seen_lrs == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.01, 0.01])
    assert model._optimizer.param_groups[0]["lr"] == pytest.approx(0.001)


def test_no_optim_config_means_no_optimizer(caplog):
    caplog.set_level("INFO", logger="nemo")
    model = TinyModel({"other": 1})
    assert model.setup_optimization() == (None, None)
    assert model.configure_optimizers() is None
    assert "no optimizer" in caplog.text.lower()


def test_configure_optimizers_shapes(caplog):
    model = TinyModel({"optim": {"name": "plain_sgd", "lr": 0.1}})
    optimizer = model.configure_optimizers()
    assert isinstance(optimizer, torch.optim.SGD)
    assert "Trainer wasn't specified" in caplog.text
    model = TinyModel(
        {
            "optim": {
                "name": "plain_sgd",
                "lr": 0.1,
                "sched": {"name": "LinearDecay", "max_steps": 3},
            }
        }
    )
    optimizers, schedulers = model.configure_optimizers()
    assert optimizers == [model._optimizer] and schedulers == [model._scheduler]
    assert schedulers[0]["interval"] == "step" and schedulers[0]["scheduler"].max_steps == 3


def test_optimizer_arguments_as_extra_keys_or_under_args():
    model = TinyModel({"optim": None})
    extra = {"name": "plain_sgd", "lr": 0.3, "momentum": 0.9}
    optimizer, scheduler = model.setup_optimization(extra)
    assert scheduler is None
    assert (optimizer.defaults["lr"], optimizer.defaults["momentum"]) == (0.3, 0.9)
    nested = OmegaConf.create(
        {"name": "plain_sgd", "lr": 0.3, "args": {"name": "auto", "momentum": 0.7}}
    )
    optimizer, _ = model.setup_optimization(nested)
    assert (optimizer.defaults["lr"], optimizer.defaults["momentum"]) == (0.3, 0.7)


def test_a_given_config_replaces_the_models_optim_section():
    model = TinyModel({"optim": {"name": "plain_sgd", "lr": 0.1}})
    model.setup_optimization({"name": "plain_sgd", "lr": 0.5})
    assert model._cfg.optim.lr == 0.5 and OmegaConf.is_struct(model._cfg)
    # command-line style overrides of the section swap the optimizer
    model._cfg = OmegaConf.merge(model._cfg, OmegaConf.from_dotlist(["optim.lr=0.05"]))
    assert model.setup_optimization()[0].defaults["lr"] == 0.05

    @dataclasses.dataclass
    class OptimConfig:
        name: str = "plain_sgd"
        lr: float = 0.25

    assert model.setup_optimization(OptimConfig())[0].defaults["lr"] == 0.25


def test_unknown_optimizer_lists_the_available_names():
    model = TinyModel({"optim": {"name": "plain_sgx", "lr": 0.1}})
    with pytest.raises(UnknownNameError, match=r"optim.name: unknown optimizer 'plain_sgx'") as e:
        model.setup_optimization()
    assert "plain_sgd" in str(e.value).split("Available optimizers:")[1]
    assert isinstance(e.value, ValueError)


def test_unknown_scheduler_lists_the_available_names():
    model = TinyModel({"optim": {"name": "plain_sgd", "lr": 0.1, "sched": {"name": "Linear"}}})
    with pytest.raises(UnknownNameError, match="unknown scheduler 'Linear'.*LinearDecay"):
        model.setup_optimization()


def test_wrong_argument_names_the_argument_and_the_params_dataclass():
    model = TinyModel({"optim": {"name": "plain_sgd", "lr": 0.1, "momentun": 0.9}})
    with pytest.raises(UnknownArgumentError, match=r"optim: .*'momentun'.*PlainSGDParams"):
        model.setup_optimization()
    model = TinyModel({"optim": {"_target_": "torch.optim.SGD", "lr": 0.1, "betas": [0.9, 0.9]}})
    with pytest.raises(UnknownArgumentError, match=r"'betas'.*torch.optim.sgd.SGD"):
        model.setup_optimization()
    model = TinyModel({"optim": {"_target_": "torch.optim.NoSuchOptimizer", "lr": 0.1}})
    with pytest.raises(ValueError, match=r"optim._target_: cannot import"):
        model.setup_optimization()
    sched = {"name": "LinearDecay", "max_steps": 4, "max_step": 4}
    model = TinyModel({"optim": {"name": "plain_sgd", "lr": 0.1, "sched": sched}})
    with pytest.raises(UnknownArgumentError, match=r"'max_step'.*LinearDecayParams"):
        model.setup_optimization()


def test_scheduler_without_a_run_length_is_skipped_with_a_warning(quiet_trainer, caplog):
    sched = {"name": "LinearDecay"}
    model = TinyModel({"optim": {"name": "plain_sgd", "lr": 0.1, "sched": sched}})
    optimizer, scheduler = model.setup_optimization()
    assert isinstance(optimizer, torch.optim.SGD) and scheduler is None
    assert "sched.max_steps" in caplog.text
    caplog.clear()
    endless = quiet_trainer(max_epochs=-1)
    model = TinyModel({"optim": {"name": "plain_sgd", "lr": 0.1, "sched": sched}}, endless)
    assert model.setup_optimization()[1] is None
    assert "max_epochs=-1 trains forever" in caplog.text


def test_trainer_max_steps_overrides_the_sched_config(quiet_trainer):
    sched = {"name": "LinearDecay", "max_steps": 100}
    model = TinyModel(
        {"optim": {"name": "plain_sgd", "lr": 0.1, "sched": sched}}, quiet_trainer(max_steps=7)
    )
    assert model.setup_optimization()[1]["scheduler"].max_steps == 7
