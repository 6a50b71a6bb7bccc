"""A tiny NeMo model for experiment-management tests (importable by subprocess scripts too).

Everything that makes exact resume hard is in it: shuffled data (the loader's order), dropout
(torch's global generator), noise from numpy and python's ``random`` in the training step, Adam
(optimizer state) and a step scheduler (scheduler state).
"""

from __future__ import annotations

import random
from typing import Any

import numpy
import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader, TensorDataset

from nemo.core.classes import ModelPT
from nemo.utils.resumable_loader import ResumableDataLoader


def _data(config: Any, seed: int) -> TensorDataset:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(int(config.get("num_samples", 40)), 4, generator=generator)
    return TensorDataset(x, x.sum(1, keepdim=True))


class ExpModel(ModelPT):
    """Linear regression with dropout, trained with Adam on a shuffled resumable loader."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.net = torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Linear(4, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # type: ignore[no-any-return]

    def setup_training_data(self, train_data_config: Any) -> None:
        self._train_dl = ResumableDataLoader(
            _data(train_data_config, seed=0),
            batch_size=int(train_data_config.get("batch_size", 4)),
            shuffle=True,
        )

    def setup_validation_data(self, val_data_config: Any) -> None:
        self._validation_dl = DataLoader(
            _data(val_data_config, seed=1), batch_size=int(val_data_config.get("batch_size", 8))
        )

    def configure_optimizers(self) -> Any:
        optimizer = torch.optim.Adam(self.parameters(), lr=float(self.cfg.get("lr", 0.05)))
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.7)
        return [optimizer], [{"scheduler": scheduler, "interval": "step"}]

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        x, y = batch
        noise = float(numpy.random.uniform(-1e-3, 1e-3)) + random.uniform(-1e-3, 1e-3)
        return torch.nn.functional.mse_loss(self(x), y) + noise

    def validation_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> Any:
        x, y = batch
        return {"val_loss": torch.nn.functional.mse_loss(self(x), y)}

    def multi_validation_epoch_end(self, outputs: Any, dataloader_idx: int = 0) -> Any:
        loss = torch.stack([o["val_loss"] for o in outputs]).mean()
        return {"val_loss": loss, "log": {"val_loss": loss}}


def exp_config(**overrides: Any) -> dict[str, Any]:
    return {
        "train_ds": {"batch_size": 4, "num_samples": 40},
        "validation_ds": {"batch_size": 8, "num_samples": 16},
        **overrides,
    }


def quiet_trainer(**kwargs: Any) -> pl.Trainer:
    """A CPU trainer without the logger and checkpointing exp_manager adds itself."""
    options: dict[str, Any] = {
        "accelerator": "cpu",
        "devices": 1,
        "logger": False,
        "enable_checkpointing": False,
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "deterministic": True,
        "num_sanity_val_steps": 0,
    }
    return pl.Trainer(**{**options, **kwargs})


def weights(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


class SteppedWeight(ModelPT):
    """One weight set by a schedule at each epoch start; its validation loss is ``|w|``.

    With the schedule 0.1, 0.0, 0.01, 0.03 the best epoch (by val_loss) is the second one and
    the last weight is 0.03: which one a ``.nemo`` holds shows which weights were saved.
    """

    SCHEDULE = (0.1, 0.0, 0.01, 0.03)

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.w = torch.nn.Parameter(torch.tensor([1.0]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.w

    def setup_training_data(self, train_data_config: Any) -> None:
        self._train_dl = DataLoader(TensorDataset(torch.ones(2, 1)), batch_size=1)

    def setup_validation_data(self, val_data_config: Any) -> None:
        self._validation_dl = DataLoader(TensorDataset(torch.ones(1, 1)), batch_size=1)

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.0)

    def on_train_epoch_start(self) -> None:
        with torch.no_grad():
            self.w.fill_(self.SCHEDULE[self.current_epoch])

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        return (self(batch[0]) * 0.0).sum()

    def validation_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> Any:
        return {"val_loss": self.w.detach().abs().sum()}

    def multi_validation_epoch_end(self, outputs: Any, dataloader_idx: int = 0) -> Any:
        loss = torch.stack([o["val_loss"] for o in outputs]).mean()
        return {"val_loss": loss, "log": {"val_loss": loss}}
