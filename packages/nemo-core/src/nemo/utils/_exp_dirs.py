"""Where an experiment writes: ``<exp_dir>/<name>/<version>``, the same for every process.

Global rank 0 chooses what is not fixed by the config (the version) and, when the Trainer runs
several processes, exports its choice in the environment, which the processes Lightning starts
for data-parallel training inherit: they run the script again and must land in the same
directory. (Single-process runs export nothing, so a script started later from the same shell or
notebook makes its own choice.)
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from nemo.utils import logging
from nemo.utils.exceptions import LoggerMisconfigurationError

__all__ = ["NEMO_ENV_VARNAME_VERSION", "ExperimentDirs", "get_log_dir", "inherited", "share"]

NEMO_ENV_VARNAME_VERSION = "NEMO_EXPM_VERSION"

# Values this process exported. Rank 0 ignores them on a later exp_manager call (a second
# experiment in the same process must choose its own version); other ranks inherit them.
_exported: dict[str, str] = {}


def share(variable: str, value: str) -> None:
    """Export rank 0's choice to the processes started after this point."""
    os.environ[variable] = value
    _exported[variable] = value


def inherited(variable: str) -> str | None:
    """The value of ``variable`` set by whoever started this process, not by this process."""
    value = os.environ.get(variable)
    if value is None or _exported.get(variable) == value:
        return None
    return value


class ExperimentDirs:
    """The resolved experiment location (``name``/``version`` may be empty strings)."""

    def __init__(self, log_dir: Path, exp_dir: Path, name: str, version: str) -> None:
        self.log_dir = log_dir
        self.exp_dir = exp_dir
        self.name = name
        self.version = version


def get_log_dir(trainer: Any, cfg: Any, *, is_global_zero: bool) -> ExperimentDirs:
    """Resolve the experiment's directories from the exp_manager config and the Trainer.

    * ``explicit_log_dir`` is used verbatim;
    * a Trainer that already has a logger (``create_tensorboard_logger=False``) decides: the
      run goes where that logger writes (``<save_dir>/<name>/version_<N>``);
    * otherwise ``<exp_dir or ./nemo_experiments>/<name or default>/<version>``, the version
      being ``cfg.version``, ``$NEMO_EXPM_VERSION``, nothing when resuming (so that the same
      command finds the same directory), or a new date-time / ``version_<N>`` on rank 0.
    """
    if cfg.explicit_log_dir:
        return _explicit_dirs(trainer, cfg)
    if trainer.logger is not None:
        return _logger_dirs(trainer.logger, cfg)
    exp_dir = Path(cfg.exp_dir or Path.cwd() / "nemo_experiments").expanduser().absolute()
    name = cfg.name or "default"
    version = str(cfg.version or _inherited_version(is_global_zero) or "")
    if not version:
        if cfg.resume_if_exists:
            logging.warning(
                "No version folder will be created: exp_manager.resume_if_exists is set, so the "
                "same command must find this run's directory again."
            )
        elif is_global_zero:
            version = _new_version(exp_dir, name, cfg.use_datetime_version)
        else:
            raise LoggerMisconfigurationError(
                f"exp_manager on global rank {trainer.global_rank} found no version chosen by "
                f"rank 0 (${NEMO_ENV_VARNAME_VERSION} is not set). Start every process from the "
                "same launcher, or give exp_manager.version explicitly."
            )
    if is_global_zero and version and trainer.world_size > 1:
        share(NEMO_ENV_VARNAME_VERSION, version)
    return ExperimentDirs(exp_dir / name / version, exp_dir, name, version)


def _explicit_dirs(trainer: Any, cfg: Any) -> ExperimentDirs:
    """``explicit_log_dir``, used verbatim."""
    if trainer.logger is not None:
        raise LoggerMisconfigurationError(
            "The pytorch lightning trainer that was passed to exp_manager contained a logger "
            f"and explicit_log_dir ({cfg.explicit_log_dir}) was passed to exp_manager. Please "
            "remove the logger from the lightning trainer."
        )
    if cfg.exp_dir or cfg.version:
        logging.error(
            "exp_manager received explicit_log_dir: %s and at least one of exp_dir: %s, or "
            "version: %s. Please note that exp_dir, name, and version will be ignored.",
            cfg.explicit_log_dir,
            cfg.exp_dir,
            cfg.version,
        )
    log_dir = Path(cfg.explicit_log_dir).expanduser().absolute()
    return ExperimentDirs(log_dir, log_dir, "", "")


def _logger_dirs(logger: Any, cfg: Any) -> ExperimentDirs:
    """Where the Trainer's own logger writes: ``<save_dir>/<name>/version_<N>``."""
    if cfg.exp_dir and logger.save_dir:
        raise LoggerMisconfigurationError(
            "The pytorch lightning trainer that was passed to exp_manager contained a logger, "
            f"the logger's save_dir was not None, and exp_dir ({cfg.exp_dir}) was not None. "
            "Remove exp_dir from the exp_manager config, or the logger from the trainer."
        )
    if cfg.name:
        raise LoggerMisconfigurationError(
            "The pytorch lightning trainer that was passed to exp_manager contained a logger, "
            f"and name: {cfg.name} was also passed to exp_manager. Remove name from the "
            "exp_manager config, or the logger from the trainer."
        )
    exp_dir = Path(logger.save_dir or ".").expanduser().absolute()
    name = str(logger.name or "")
    version = f"version_{logger.version}"
    return ExperimentDirs(exp_dir / name / version, exp_dir, name, version)


def _inherited_version(is_global_zero: bool) -> str | None:
    if is_global_zero:
        return inherited(NEMO_ENV_VARNAME_VERSION)
    return os.environ.get(NEMO_ENV_VARNAME_VERSION)


def _new_version(exp_dir: Path, name: str, use_datetime_version: bool) -> str:
    if use_datetime_version:
        return time.strftime("%Y-%m-%d_%H-%M-%S")
    existing = [
        int(path.name.removeprefix("version_"))
        for path in (exp_dir / name).glob("version_*")
        if path.is_dir() and path.name.removeprefix("version_").isdigit()
    ]
    return f"version_{max(existing) + 1 if existing else 0}"
