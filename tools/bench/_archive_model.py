"""The model of the archive benchmark: a few big Linear layers, nothing else.

Its own module (imported by the worker only) so that restoring finds the class by its path.
"""

from __future__ import annotations

from typing import Any

import torch

from nemo.core.classes import ModelPT, common

# NVIDIA NeMo 3 refuses to instantiate classes outside its own namespaces from a config; this
# benchmark's model is restored by its own class, so its module is allowed explicitly there.
if "_archive_model." not in getattr(common, "ALLOWED_TARGET_PREFIXES", ["_archive_model."]):
    common.ALLOWED_TARGET_PREFIXES.append("_archive_model.")


class BigModel(ModelPT):  # type: ignore[misc]
    """``cfg.layers`` square Linear layers of ``cfg.dim`` features (float32)."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg=cfg, trainer=trainer)
        dim, layers = int(cfg.dim), int(cfg.layers)
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(dim, dim, bias=False) for _ in range(layers)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def setup_training_data(self, train_data_config: Any) -> None:
        pass

    def setup_validation_data(self, val_data_config: Any) -> None:
        pass

    @classmethod
    def list_available_models(cls) -> list[Any]:
        return []
