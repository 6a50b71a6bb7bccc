"""``TrainerConfig``: the ``trainer`` section of a NeMo config, for Lightning 2.x's Trainer.

``pl.Trainer(**cfg.trainer)`` takes it as is. NeMo's (Lightning 1.2) fields that Lightning 2
removed (``gpus``, ``checkpoint_callback``, ``amp_backend``, ``weights_save_path``…) are not
here, so an old YAML that still has them gets a clear "unknown key" error naming them, rather
than a TypeError from the Trainer. Fields that take objects (a logger, callbacks, a strategy
instance) are typed ``Any``: configs give their string or boolean forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["TrainerConfig"]


@dataclass
class TrainerConfig:
    """The arguments of ``pytorch_lightning.Trainer`` (2.x) with the Trainer's defaults."""

    accelerator: Any = "auto"
    strategy: Any = "auto"
    devices: Any = "auto"
    num_nodes: int = 1
    precision: Any = None
    logger: Any = None
    callbacks: Any = None
    fast_dev_run: Any = False
    max_epochs: int | None = None
    min_epochs: int | None = None
    max_steps: int = -1
    min_steps: int | None = None
    max_time: Any = None
    limit_train_batches: float | int | None = None
    limit_val_batches: float | int | None = None
    limit_test_batches: float | int | None = None
    limit_predict_batches: float | int | None = None
    overfit_batches: float | int = 0.0
    val_check_interval: Any = None
    check_val_every_n_epoch: int | None = 1
    num_sanity_val_steps: int | None = None
    log_every_n_steps: int | None = None
    enable_checkpointing: bool | None = None
    enable_progress_bar: bool | None = None
    enable_model_summary: bool | None = None
    accumulate_grad_batches: int = 1
    gradient_clip_val: float | int | None = None
    gradient_clip_algorithm: str | None = None
    deterministic: Any = None
    benchmark: bool | None = None
    inference_mode: bool = True
    use_distributed_sampler: bool = True
    profiler: Any = None
    detect_anomaly: bool = False
    barebones: bool = False
    plugins: Any = None
    sync_batchnorm: bool = False
    reload_dataloaders_every_n_epochs: int = 0
    default_root_dir: str | None = None
    enable_autolog_hparams: bool = True
    model_registry: str | None = None
