"""``exp_manager(trainer, cfg)``: one directory per experiment, with logs, checkpoints and resume.

Call it after building the Trainer and before ``trainer.fit``::

    trainer = pl.Trainer(**cfg.trainer)            # with logger=False, enable_checkpointing=False
    log_dir = exp_manager(trainer, cfg.exp_manager)
    model = MyModel(cfg.model, trainer=trainer)
    trainer.fit(model)                             # resumes by itself when asked to

It lays out ``<exp_dir>/<name>/<version>/`` (see :mod:`nemo.utils._exp_logs` for the files), adds
a TensorBoard and/or Weights & Biases logger, a checkpoint callback writing ``checkpoints/`` and
the final ``<name>.nemo``, optionally early stopping, and whatever loggers and callbacks the
installed plugins contribute (hooks ``nemo_trainer_loggers`` and ``nemo_trainer_callbacks``).

With ``resume_if_exists`` the run continues from the experiment's last checkpoint, restoring
the whole training state (see :mod:`nemo.utils._resume`): the same command, started again after
a crash, ends where an uninterrupted run ends.

Lightning 2's Trainer creates a logger and a ModelCheckpoint unless told not to; exp_manager
refuses to add a second one and says which Trainer argument to pass (``logger=False``,
``enable_checkpointing=False``), as NeMo does.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import ModelCheckpoint

from nemo.utils import logging
from nemo.utils._checkpointing import (
    AtomicCheckpointIO,
    NeMoModelCheckpoint,
    configure_checkpointing,
    use_atomic_checkpoint_io,
)
from nemo.utils._exp_config import CallbackParams, EarlyStoppingParams, ExpManagerConfig
from nemo.utils._exp_dirs import NEMO_ENV_VARNAME_VERSION, ExperimentDirs, get_log_dir
from nemo.utils._exp_logs import add_log_files, write_run_info
from nemo.utils._resume import (
    NEMO_ENV_VARNAME_RESUME,
    ResumeCallback,
    check_complete,
    choose_resume_checkpoint,
    find_resume_checkpoint,
)
from nemo.utils._trainer_hooks import hook_results
from nemo.utils._validation import validate_config
from nemo.utils.app_state import AppState
from nemo.utils.exceptions import (
    CheckpointMisconfigurationError,
    LoggerMisconfigurationError,
    NotFoundError,
)
from nemo.utils.model_utils import plain_dict

__all__ = [
    "NEMO_ENV_VARNAME_RESUME",
    "NEMO_ENV_VARNAME_VERSION",
    "AtomicCheckpointIO",
    "CallbackParams",
    "EarlyStoppingParams",
    "ExpManagerConfig",
    "NeMoModelCheckpoint",
    "ResumeCallback",
    "exp_manager",
    "find_resume_checkpoint",
]


def exp_manager(trainer: pl.Trainer, cfg: DictConfig | dict[str, Any] | None = None) -> Path | None:
    """Set up the experiment of ``trainer`` as ``cfg`` (an :class:`ExpManagerConfig`) says.

    :returns: the experiment's log directory, or ``None`` when disabled (no ``cfg``, or the
        Trainer runs with ``fast_dev_run``).
    :raises ConfigValidationError: unknown keys or wrong types in ``cfg`` (all of them listed).
    :raises LoggerMisconfigurationError: the Trainer has a logger and exp_manager would add one.
    :raises CheckpointMisconfigurationError: the Trainer has a ModelCheckpoint and exp_manager
        would add one.
    :raises NotFoundError / ValueError: resuming found nothing, or nothing unambiguous.
    """
    if cfg is None:
        logging.error("exp_manager did not receive a cfg argument. It will be disabled.")
        return None
    if getattr(trainer, "fast_dev_run", False):
        logging.info(
            "Trainer was called with fast_dev_run. exp_manager will return without any "
            "functionality."
        )
        return None
    cfg = validate_config(cfg, ExpManagerConfig, what="exp_manager config")
    global_rank, local_rank = trainer.global_rank, trainer.local_rank
    is_global_zero = global_rank == 0
    _error_checks(trainer, cfg)

    dirs = get_log_dir(trainer, cfg, is_global_zero=is_global_zero)
    log_dir = dirs.log_dir
    resume_checkpoint = _resume_checkpoint(trainer, log_dir, cfg)
    if resume_checkpoint is not None:
        trainer.ckpt_path = str(resume_checkpoint)
    checkpoint_name = dirs.name or cfg.name or "default"
    _record_app_state(trainer, cfg, dirs, checkpoint_name, resume_checkpoint)

    log_dir.mkdir(parents=True, exist_ok=True)
    logging.info("Experiments will be logged at %s", log_dir)
    # Where Lightning puts what it writes without a logger (NeMo sets the same attribute).
    trainer._default_root_dir = str(log_dir)  # type: ignore[attr-defined]
    add_log_files(
        log_dir,
        global_rank=global_rank,
        local_rank=local_rank,
        global_rank_0_only=cfg.log_global_rank_0_only,
        local_rank_0_only=cfg.log_local_rank_0_only,
    )

    run_config = _run_config(cfg)
    _add_loggers(trainer, cfg, dirs.exp_dir, dirs.name, dirs.version, log_dir, run_config)
    use_atomic_checkpoint_io(trainer)
    _add_callbacks(trainer, cfg, run_config, resume_checkpoint)
    if cfg.create_checkpoint_callback:
        params = _as_dict(cfg.checkpoint_callback_params, CallbackParams)
        configure_checkpointing(trainer, log_dir, checkpoint_name, params)

    if is_global_zero:
        write_run_info(log_dir, cfg.files_to_copy)
    return log_dir


def _error_checks(trainer: pl.Trainer, cfg: DictConfig) -> None:
    """Refuse what cannot work, before anything is created; warn about what looks unintended."""
    if _hydra_changed_cwd():
        raise ValueError(
            "Hydra changed the working directory to its run directory, so exp_manager would "
            "write the experiment there. Pass hydra.run.dir=. on the command line (or use "
            "nemo.core.config.hydra_runner, which does it)."
        )
    if trainer.logger is not None and (cfg.create_tensorboard_logger or cfg.create_wandb_logger):
        raise LoggerMisconfigurationError(
            "The pytorch lightning trainer that was passed to exp_manager contained a logger, "
            f"and either create_tensorboard_logger: {cfg.create_tensorboard_logger} or "
            f"create_wandb_logger: {cfg.create_wandb_logger} was set to True. These can only be "
            "used if trainer does not already have a logger (pass logger=False to pl.Trainer, "
            "trainer.logger=false in the config), or set both to False to keep the trainer's "
            "logger."
        )
    if cfg.create_checkpoint_callback and any(
        isinstance(callback, ModelCheckpoint)
        for callback in trainer.callbacks  # type: ignore[attr-defined]
    ):
        raise CheckpointMisconfigurationError(
            "The pytorch lightning trainer that was passed to exp_manager contained a "
            "ModelCheckpoint and create_checkpoint_callback was set to True. Pass "
            "enable_checkpointing=False to pl.Trainer (trainer.enable_checkpointing=false in "
            "the config) so that exp_manager creates the checkpoint callback, or set "
            "exp_manager.create_checkpoint_callback=False to keep the trainer's."
        )
    if cfg.create_wandb_logger:
        _check_wandb(cfg.wandb_logger_kwargs)
    if "log_dir" in (cfg.summary_writer_kwargs or {}):
        raise ValueError(
            "exp_manager.summary_writer_kwargs contains log_dir; exp_manager decides where "
            "TensorBoard writes (the experiment directory): remove log_dir, set exp_dir, name "
            "or version instead"
        )
    if cfg.log_global_rank_0_only and cfg.log_local_rank_0_only:
        raise ValueError(
            "exp_manager: log_global_rank_0_only and log_local_rank_0_only are both True; set "
            "at most one of them (global: only rank 0 of all writes a log file; local: rank 0 "
            "of each node does)"
        )
    for name in cfg.files_to_copy or ():
        if not Path(name).is_file():
            raise FileNotFoundError(
                f"exp_manager.files_to_copy names {name!r}, which is not a file (relative paths "
                f"are taken from {Path.cwd()}); fix the path or remove it from the list"
            )
    if trainer.num_nodes > 1 and not os.environ.get("SLURM_JOB_ID"):
        logging.error(
            "You are running multi-node training without SLURM handling the processes. Please "
            "note that this is not tested in NeMo and could result in errors."
        )


def _record_app_state(
    trainer: pl.Trainer,
    cfg: DictConfig,
    dirs: ExperimentDirs,
    checkpoint_name: str,
    resume_checkpoint: Path | None,
) -> None:
    """Publish the experiment in :class:`AppState`, for code that has no Trainer at hand."""
    state = AppState()
    state.log_dir, state.exp_dir = dirs.log_dir, dirs.exp_dir
    state.name, state.version = checkpoint_name, dirs.version
    state.checkpoint_name = checkpoint_name
    state.create_checkpoint_callback = cfg.create_checkpoint_callback
    state.checkpoint_callback_params = cfg.checkpoint_callback_params
    state.resume_checkpoint = resume_checkpoint
    state.global_rank, state.local_rank = trainer.global_rank, trainer.local_rank
    state.world_size = trainer.world_size


def _hydra_changed_cwd() -> bool:
    if importlib.util.find_spec("hydra") is None:
        return False
    from hydra.core.hydra_config import HydraConfig
    from hydra.utils import get_original_cwd

    if not HydraConfig.initialized():
        return False
    return bool(Path(get_original_cwd()).resolve() != Path.cwd().resolve())


def _resume_checkpoint(trainer: pl.Trainer, log_dir: Path, cfg: DictConfig) -> Path | None:
    if cfg.resume_from_checkpoint:
        chosen = Path(cfg.resume_from_checkpoint).expanduser().absolute()
        if not chosen.is_file():
            raise NotFoundError(
                f"exp_manager.resume_from_checkpoint={cfg.resume_from_checkpoint} does not exist; "
                "give the path of a .ckpt file"
            )
        check_complete(chosen)
        return chosen
    if cfg.resume_if_exists:
        return choose_resume_checkpoint(
            log_dir, cfg, is_global_zero=trainer.global_rank == 0, world_size=trainer.world_size
        )
    return None


def _run_config(cfg: DictConfig) -> DictConfig:
    """What the plugin hooks get: the script's whole config when hydra_runner recorded it."""
    recorded = AppState().run_config
    if isinstance(recorded, DictConfig):
        return recorded
    return OmegaConf.create({"exp_manager": OmegaConf.to_container(cfg)})


def _flatten(results: Iterable[Any]) -> list[Any]:
    flat: list[Any] = []
    for result in results:
        if result is None:
            continue
        if isinstance(result, (list, tuple)):
            flat.extend(result)
        else:
            flat.append(result)
    return flat


def _add_loggers(
    trainer: pl.Trainer,
    cfg: DictConfig,
    exp_dir: Path,
    name: str,
    version: str,
    log_dir: Path,
    run_config: DictConfig,
) -> None:
    loggers: list[Any] = []
    if cfg.create_tensorboard_logger:
        loggers.append(_tensorboard_logger(cfg, exp_dir, name, version))
    if cfg.create_wandb_logger:
        loggers.append(_wandb_logger(cfg, exp_dir, version))
    loggers += _flatten(hook_results("nemo_trainer_loggers", config=run_config, log_dir=log_dir))
    if loggers:
        trainer.loggers = [*trainer.loggers, *loggers]


def _add_callbacks(
    trainer: pl.Trainer, cfg: DictConfig, run_config: DictConfig, resume_checkpoint: Path | None
) -> None:
    """The resume callback, early stopping if asked for, and the plugins' callbacks."""
    callbacks: list[Any] = [ResumeCallback(resume_checkpoint)]
    if cfg.create_early_stopping_callback:
        callbacks.append(_early_stopping(cfg.early_stopping_callback_params))
    callbacks += _flatten(hook_results("nemo_trainer_callbacks", config=run_config))
    trainer.callbacks.extend(callbacks)  # type: ignore[attr-defined]


def _tensorboard_logger(cfg: DictConfig, exp_dir: Path, name: str, version: str) -> Any:
    from pytorch_lightning.loggers import TensorBoardLogger

    kwargs = dict(cfg.summary_writer_kwargs or {})
    return TensorBoardLogger(save_dir=str(exp_dir), name=name, version=version, **kwargs)


def _wandb_logger(cfg: DictConfig, exp_dir: Path, version: str) -> Any:
    from pytorch_lightning.loggers import WandbLogger

    kwargs = dict(cfg.wandb_logger_kwargs or {})
    return WandbLogger(save_dir=str(exp_dir), version=version or None, **kwargs)


def _check_wandb(kwargs: Any) -> None:
    kwargs = kwargs or {}
    if not kwargs.get("name") and not kwargs.get("project"):
        raise ValueError(
            "exp_manager.create_wandb_logger is True but wandb_logger_kwargs has neither a name "
            "nor a project: set exp_manager.wandb_logger_kwargs.name or .project"
        )
    try:
        import wandb  # type: ignore[import-not-found]  # noqa: F401  (optional: only this needs it)
    except ImportError as exc:
        raise ModuleNotFoundError(
            "exp_manager.create_wandb_logger=True needs the wandb package, which is not "
            "installed: pip install wandb (or set exp_manager.create_wandb_logger=False)"
        ) from exc


def _early_stopping(params: Any) -> Any:
    from pytorch_lightning.callbacks import EarlyStopping

    return EarlyStopping(**_as_dict(params, EarlyStoppingParams))


def _as_dict(section: DictConfig | None, default: type) -> dict[str, Any]:
    """A config section (or its dataclass's defaults when it is null) as keyword arguments."""
    return plain_dict(section if section is not None else default(), what=default.__name__)
