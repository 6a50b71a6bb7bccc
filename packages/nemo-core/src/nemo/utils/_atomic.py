"""Replacing a file all at once: readers see the old file or the new one, never a partial one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

__all__ = ["PARTIAL_SUFFIX", "atomic_output", "replace_durably", "sync_while"]

PARTIAL_SUFFIX = ".partial"  # of the temporary file a write killed midway leaves behind
_BUFFER = 2**20
_T = TypeVar("_T")


@contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target``'s new content to; it replaces ``target`` only on success.

    The content goes to a temporary file beside ``target`` (same file system, so the rename is
    atomic), is flushed to disk, then renamed over ``target``. On an exception the temporary file
    is removed and ``target`` is untouched. A process killed mid-write leaves its temporary file
    (``.<name>.*.partial``) behind, never a truncated ``target``.

    The flush to disk is kept although it is most of the time of a save (``fsync`` waits for
    the device): without it a crash of the machine soon after the rename can leave ``target``
    holding the new name over missing data on many file systems, losing the old model and the
    new one. Code that has more work to do on the file can overlap it with the flush
    (:func:`sync_while`).
    """
    if target.is_dir():
        raise IsADirectoryError(
            f"{target} is a directory; give a file path such as {target}/model.nemo"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX
    )
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb", buffering=_BUFFER) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        temporary.chmod(_mode_for(target))
        replaced = _hold(target)
        try:
            temporary.replace(target)
        except BaseException:
            _release_in_background(replaced)
            raise
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)
    _release_in_background(replaced)


def replace_durably(written: Path, target: Path) -> None:
    """Rename the completely written file ``written`` over ``target``, flushed to disk first.

    For files that must be written under a name of their own (a download that a later call
    resumes); anything written in one go should use :func:`atomic_output`.
    """
    with written.open("rb+") as handle:
        os.fsync(handle.fileno())
    written.replace(target)
    _sync_directory(target.parent)


def sync_while(out: BinaryIO, work: Callable[[], _T]) -> _T:
    """``work()``, run while what was written to ``out`` so far is flushed to disk.

    The final flush of :func:`atomic_output` then only waits for what ``work`` changed. A
    flush error is raised here, never lost (the kernel reports it once).
    """
    out.flush()
    failure: list[OSError] = []

    def flush() -> None:
        try:
            getattr(os, "fdatasync", os.fsync)(out.fileno())
        except OSError as exc:
            failure.append(exc)

    thread = threading.Thread(target=flush, name="nemo-save-flush", daemon=True)
    thread.start()
    try:
        result = work()
    finally:
        thread.join()
    if failure:
        raise failure[0]
    return result


def _hold(target: Path) -> int | None:
    """An open descriptor of the file about to be replaced, so that freeing its blocks and
    cached pages — a tenth of a second for 500 MB — happens when it is closed, not in the
    rename. Not on Windows, where an open file cannot be replaced."""
    if os.name != "posix":
        return None
    try:  # never a link's target, never waiting on a fifo: only a regular file is worth it
        descriptor = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None  # no file there yet, or not readable: the rename frees it
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        return None
    return descriptor


def _release_in_background(descriptor: int | None) -> None:
    if descriptor is not None:
        threading.Thread(
            target=os.close, args=(descriptor,), name="nemo-save-release", daemon=True
        ).start()


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
