"""Replacing a file all at once: readers see the old file or the new one, never a partial one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_output"]

_BUFFER = 2**20


@contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target``'s new content to; it replaces ``target`` only on success.

    The content goes to a temporary file beside ``target`` (same file system, so the rename is
    atomic), is flushed to disk, then renamed over ``target``. On an exception the temporary file
    is removed and ``target`` is untouched. A process killed mid-write leaves its temporary file
    (``.<name>.*.partial``) behind, never a truncated ``target``.
    """
    if target.is_dir():
        raise IsADirectoryError(
            f"{target} is a directory; give a file path such as {target}/model.nemo"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
    )
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb", buffering=_BUFFER) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        temporary.chmod(_mode_for(target))
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)


def _mode_for(target: Path) -> int:
    """An existing file keeps its permissions; a new one gets what ``open`` would give it."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); not possible, nor needed, everywhere."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
