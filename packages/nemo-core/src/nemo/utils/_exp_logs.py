"""The text files of an experiment directory: what ran, from which code, and its logs.

* ``nemo_log_globalrank-<G>_localrank-<L>.txt``: the ``nemo`` logger of each process;
* ``lightning_logs.txt``: Lightning's log (rank 0); ``nemo_error_log.txt``: warnings and errors
  of both (rank 0);
* ``cmd-args.log``: the command line; ``git-info.log``: commit and uncommitted diff of the
  working directory's repository, when there is one; copies of ``files_to_copy``.

Handlers added by an earlier ``exp_manager`` call in the same process are removed first, so a
second experiment does not keep writing into the first one's directory.
"""

from __future__ import annotations

import logging as _stdlib_logging
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from nemo.utils import logging

__all__ = ["add_log_files", "write_run_info"]

_LIGHTNING_LOGGERS = ("pytorch_lightning", "lightning_fabric", "lightning")
_FORMAT = "[%(asctime)s %(levelname)s %(name)s] %(message)s"
_attached: list[tuple[_stdlib_logging.Logger, _stdlib_logging.Handler]] = []


def add_log_files(
    log_dir: Path,
    *,
    global_rank: int,
    local_rank: int,
    global_rank_0_only: bool,
    local_rank_0_only: bool,
) -> None:
    """Attach this process's log files in ``log_dir`` (replacing earlier ones)."""
    _detach_all()
    if logging.level == _stdlib_logging.NOTSET:
        logging.setLevel(_stdlib_logging.INFO)  # NeMo's logger records INFO by default
    writes = not (global_rank_0_only and global_rank != 0) and not (
        local_rank_0_only and local_rank != 0
    )
    if writes:
        rank_file = log_dir / f"nemo_log_globalrank-{global_rank}_localrank-{local_rank}.txt"
        _attach(logging, rank_file, _stdlib_logging.INFO)
    if global_rank == 0:
        lightning = [_stdlib_logging.getLogger(name) for name in _LIGHTNING_LOGGERS]
        for logger in lightning:
            _attach(logger, log_dir / "lightning_logs.txt", _stdlib_logging.INFO)
        for logger in (logging, *lightning):
            _attach(logger, log_dir / "nemo_error_log.txt", _stdlib_logging.WARNING)


def _attach(logger: _stdlib_logging.Logger, path: Path, level: int) -> None:
    handler = _stdlib_logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(_stdlib_logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    _attached.append((logger, handler))


def _detach_all() -> None:
    while _attached:
        logger, handler = _attached.pop()
        logger.removeHandler(handler)
        handler.close()


def write_run_info(log_dir: Path, files_to_copy: Iterable[str] | None) -> None:
    """Rank 0: record the command line and the code version, copy the requested files."""
    for name in files_to_copy or ():
        shutil.copy(name, log_dir / Path(name).name)
    (log_dir / "cmd-args.log").write_text(" ".join(sys.argv), encoding="utf-8")
    git_info = _git_info()
    if git_info is not None:
        (log_dir / "git-info.log").write_text(git_info, encoding="utf-8")


def _git_info() -> str | None:
    """``commit hash: <hash>`` and the uncommitted diff; ``None`` outside a git repository."""
    commit = _git("rev-parse", "HEAD")
    if commit is None:
        return None
    diff = _git("diff") or ""
    return f"commit hash: {commit.strip()}\n{diff}"


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
