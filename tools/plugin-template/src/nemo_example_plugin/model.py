"""A tiny ModelPT: linear regression on synthetic data, enough to train end to end in seconds."""

from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from nemo.core import ModelPT

__all__ = ["TinyRegressionModel"]


class TinyRegressionModel(ModelPT):
    """``cfg``: ``in_features`` and data sections ``{num_samples, batch_size, seed}``."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        self._true_weight = torch.linspace(-1.0, 1.0, int(cfg.in_features))
        super().__init__(cfg=cfg, trainer=trainer)
        self.linear = torch.nn.Linear(int(cfg.in_features), 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x).squeeze(-1)

    def _loader(self, config: Any, shuffle: bool) -> DataLoader[tuple[torch.Tensor, ...]]:
        generator = torch.Generator().manual_seed(int(config.get("seed", 0)))
        x = torch.randn(int(config.num_samples), self._true_weight.numel(), generator=generator)
        y = x @ self._true_weight + 0.5
        return DataLoader(
            TensorDataset(x, y),
            batch_size=int(config.batch_size),
            shuffle=shuffle,
            generator=generator,
        )

    def setup_training_data(self, train_data_config: Any) -> None:
        self._train_dl = self._loader(train_data_config, shuffle=True)

    def setup_validation_data(self, val_data_config: Any) -> None:
        self._validation_dl = self._loader(val_data_config, shuffle=False)

    def training_step(
        self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int
    ) -> torch.Tensor:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(
        self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int
    ) -> torch.Tensor:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        self.log("val_loss", loss)
        return loss

    @classmethod
    def list_available_models(cls) -> list[Any]:
        return []
