"""Tiny real models shared by nemo-core's tests (importable as a module by subprocesses too)."""

from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from nemo.core.classes import ModelPT, NeuralModule, typecheck
from nemo.core.neural_types import ChannelType, LogitsType, NeuralType


class LinearModule(NeuralModule):
    def __init__(self, n_in: int = 4, n_out: int = 1) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(n_in, n_out)

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {"x": NeuralType(("B", "D"), ChannelType())}

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"y": NeuralType(("B", "D"), LogitsType())}

    @typecheck()
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lin(x)


def regression_loader(config: Any, seed: int = 0) -> DataLoader[Any]:
    """y = sum(x): a task a Linear layer learns in a few steps."""
    generator = torch.Generator().manual_seed(int(config.get("seed", seed)))
    x = torch.randn(int(config.get("num_samples", 64)), 4, generator=generator)
    return DataLoader(
        TensorDataset(x, x.sum(1, keepdim=True)),
        batch_size=int(config.get("batch_size", 8)),
        shuffle=bool(config.get("shuffle", False)),
    )


class TinyRegression(ModelPT):
    """A Linear regression as a NeMo model: data sets, steps and epoch ends included."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.net = LinearModule.from_config_dict(self.cfg.net)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x=x)

    def setup_training_data(self, train_data_config: Any) -> None:
        self._train_dl = regression_loader(train_data_config)

    def setup_validation_data(self, val_data_config: Any) -> None:
        self._validation_dl = regression_loader(val_data_config, seed=1)

    def setup_test_data(self, test_data_config: Any) -> None:
        self._test_dl = regression_loader(test_data_config, seed=2)

    def training_step(self, batch: Any, batch_idx: int) -> dict[str, Any]:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        return {"loss": loss, "log": {"train_loss": loss}}

    def validation_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> Any:
        x, y = batch
        return {"val_loss": torch.nn.functional.mse_loss(self(x), y)}

    def test_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> Any:
        x, y = batch
        return {"test_loss": torch.nn.functional.mse_loss(self(x), y)}

    def multi_validation_epoch_end(self, outputs: Any, dataloader_idx: int = 0) -> Any:
        loss = torch.stack([o["val_loss"] for o in outputs]).mean()
        return {"val_loss": loss, "log": {"val_loss": loss}}

    def multi_test_epoch_end(self, outputs: Any, dataloader_idx: int = 0) -> Any:
        loss = torch.stack([o["test_loss"] for o in outputs]).mean()
        return {"test_loss": loss, "log": {"test_loss": loss}}


def tiny_config(**sections: Any) -> dict[str, Any]:
    return {"net": {"_target_": f"{__name__}.LinearModule", "n_in": 4, "n_out": 1}, **sections}
