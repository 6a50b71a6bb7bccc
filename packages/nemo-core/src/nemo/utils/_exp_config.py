"""exp_manager's config dataclasses, kept free of Lightning so that configs import fast.

Field names and defaults follow NeMo's ``ExpManagerConfig`` (1.0, plus the later fields the
issue asks for); Lightning-1-only options are mapped to their Lightning 2 spelling where
``exp_manager`` builds the callbacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CallbackParams", "EarlyStoppingParams", "ExpManagerConfig"]


@dataclass
class CallbackParams:
    """``checkpoint_callback_params``: Lightning's ModelCheckpoint options plus NeMo's own.

    NeMo's own: ``prefix`` (name of the ``.nemo`` file, default the experiment name),
    ``postfix`` (its extension), ``save_best_model`` (the final ``.nemo`` holds the best
    checkpoint's weights, not the last ones), ``always_save_nemo`` (write the ``.nemo`` at every
    checkpoint, not only at the end), ``save_nemo_on_train_end``.
    """

    filepath: str | None = None  # deprecated (Lightning 1.2): split into dirpath + filename
    dirpath: str | None = None
    filename: str | None = None
    monitor: str | None = "val_loss"
    verbose: bool = True
    save_last: bool = True
    save_top_k: int = 3
    save_weights_only: bool = False
    mode: str = "min"
    auto_insert_metric_name: bool = True
    every_n_epochs: int | None = 1
    every_n_train_steps: int | None = None
    save_on_train_epoch_end: bool | None = None
    period: int | None = None  # deprecated (Lightning 1.2) name of every_n_epochs
    prefix: str | None = None
    postfix: str = ".nemo"
    save_best_model: bool = False
    always_save_nemo: bool = False
    save_nemo_on_train_end: bool = True


@dataclass
class EarlyStoppingParams:
    """``early_stopping_callback_params``: Lightning's EarlyStopping options."""

    monitor: str = "val_loss"
    mode: str = "min"
    min_delta: float = 0.001
    patience: int = 10
    verbose: bool = True
    strict: bool = True
    check_finite: bool = True
    stopping_threshold: float | None = None
    divergence_threshold: float | None = None
    check_on_train_epoch_end: bool | None = None
    log_rank_zero_only: bool = False


@dataclass
class ExpManagerConfig:
    """The ``exp_manager`` section of a NeMo config."""

    explicit_log_dir: str | None = None
    exp_dir: str | None = None
    name: str | None = None
    version: str | None = None
    use_datetime_version: bool = True
    resume_if_exists: bool = False
    resume_past_end: bool = False
    resume_ignore_no_checkpoint: bool = False
    resume_from_checkpoint: str | None = None
    create_tensorboard_logger: bool = True
    summary_writer_kwargs: dict[Any, Any] | None = None
    create_wandb_logger: bool = False
    wandb_logger_kwargs: dict[Any, Any] | None = None
    create_checkpoint_callback: bool = True
    checkpoint_callback_params: CallbackParams | None = field(default_factory=CallbackParams)
    create_early_stopping_callback: bool = False
    early_stopping_callback_params: EarlyStoppingParams | None = field(
        default_factory=EarlyStoppingParams
    )
    files_to_copy: list[str] | None = None
    log_local_rank_0_only: bool = False
    log_global_rank_0_only: bool = False
