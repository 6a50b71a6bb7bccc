"""A model's ``optim`` config with nemo-optim's names, in a real Lightning fit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pytorch_lightning as pl
import torch
from omegaconf import OmegaConf
from torch.utils.data import DataLoader, TensorDataset

from nemo.core.classes._optimization import OptimizationMixin
from nemo.optim.lr_scheduler import CosineAnnealing
from nemo.optim.novograd import Novograd

FIXTURE = json.loads((Path(__file__).parent / "data" / "nemo3_schedulers_public.json").read_text())


class Regression(OptimizationMixin, pl.LightningModule):
    def __init__(self, cfg, trainer=None):
        super().__init__()
        self.layer = torch.nn.Linear(3, 1)
        self._cfg = OmegaConf.create(cfg)
        OmegaConf.set_struct(self._cfg, True)
        self._trainer = trainer
        x = torch.randn(32, 3, generator=torch.Generator().manual_seed(0))
        self._train_dl = DataLoader(TensorDataset(x, x.sum(1, keepdim=True)), batch_size=4)
        self._optimizer = self._scheduler = None
        self.seen_lrs: list[float] = []

    def training_step(self, batch, batch_idx):
        x, y = batch
        self.seen_lrs.append(self.trainer.optimizers[0].param_groups[0]["lr"])
        return torch.nn.functional.mse_loss(self.layer(x), y)

    def train_dataloader(self):
        return self._train_dl


def test_novograd_with_cosine_annealing_follows_nemo3_in_a_fit(quiet_trainer):
    reference = next(
        c for c in FIXTURE["cases"] if (c["scheduler"], c["case"]) == ("CosineAnnealing", "warmup5")
    )
    optim = {
        "name": "novograd",
        "lr": 0.1,
        "betas": [0.8, 0.5],
        "weight_decay": 0.001,
        "sched": {"name": "CosineAnnealing", "warmup_steps": 5, "min_lr": 0.001},
    }
    trainer = quiet_trainer(max_steps=10)
    model = Regression({"optim": optim}, trainer)
    trainer.fit(model)
    assert isinstance(model._optimizer, Novograd)
    assert model._optimizer.defaults["betas"] == (0.8, 0.5)
    assert isinstance(model._scheduler["scheduler"], CosineAnnealing)
    assert model.seen_lrs == pytest.approx(reference["lrs"][:10], rel=1e-9)


def test_swapping_the_optimizer_from_the_command_line():
    cfg = OmegaConf.create({"optim": {"name": "novograd", "lr": 0.01, "betas": [0.8, 0.5]}})
    cfg = OmegaConf.merge(cfg, OmegaConf.from_dotlist(["optim.name=adamw", "optim.lr=3e-4"]))
    optimizer, _ = Regression(cfg).setup_optimization()
    assert isinstance(optimizer, torch.optim.AdamW)
    assert optimizer.defaults["lr"] == 3e-4 and tuple(optimizer.defaults["betas"]) == (0.8, 0.5)


def test_default_optimizer_is_adam_and_args_auto_use_nemo_params():
    optimizer, _ = Regression({"optim": {"lr": 0.01}}).setup_optimization()
    assert type(optimizer) is torch.optim.Adam
    optim = {"name": "novograd", "lr": 0.02, "args": {"name": "auto", "params": {"luc": True}}}
    optimizer, _ = Regression({"optim": optim}).setup_optimization()
    assert isinstance(optimizer, Novograd)
    assert optimizer.defaults["luc"] is True and optimizer.defaults["lr"] == 0.02
