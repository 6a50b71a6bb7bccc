"""The on-disk cache: where an entry lives, who may write it, and whether it is intact.

Layout under the cache root (``NEMO_CACHE_DIR``, ``cache_dir=`` or the default)::

    sha256/<hex digest>/<file>        content-addressed: any location with this digest
    location/<hash of location>/<file> when no digest is registered
    .locks/<entry>.lock               one writer per entry, across processes

Files appear under their final name only complete (written to ``<file>.part``, then renamed);
``<file>.verified`` records that a file was checked against its digest, so it is hashed once.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from nemo.core.pretrained._errors import ChecksumMismatchError
from nemo.utils import logging

__all__ = [
    "PART_SUFFIX",
    "SIDE_SUFFIXES",
    "VALIDATOR_SUFFIX",
    "discard",
    "entry_dir",
    "entry_lock",
    "file_sha256",
    "is_inside",
    "verify",
]

PART_SUFFIX = ".part"
VALIDATOR_SUFFIX = ".part.validator"
_VERIFIED_SUFFIX = ".verified"
# What may be kept beside a cached file: its stamp, a partial download, the partial's validator.
SIDE_SUFFIXES = (_VERIFIED_SUFFIX, PART_SUFFIX, VALIDATOR_SUFFIX)
_CHUNK = 1 << 20


def entry_dir(root: Path, location: str, sha256: str | None) -> Path:
    """The directory that holds the file of ``location`` (with digest ``sha256``, if known)."""
    if sha256:
        return root / "sha256" / sha256
    return root / "location" / hashlib.sha256(location.encode()).hexdigest()[:32]


@contextlib.contextmanager
def entry_lock(root: Path, entry: Path) -> Iterator[None]:
    """Hold the entry's lock: concurrent processes fetching one model download it once.

    The lock is an ``flock`` on a file under ``<root>/.locks`` (released by the OS if the holder
    dies). A cache root that cannot be written (read-only home, local-path models only) needs
    no lock: resolution proceeds without one, and a resolver that must write fails clearly.
    """
    lock_path = root / ".locks" / f"{entry.parent.name}-{entry.name}.lock"
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a+b")
    except OSError as exc:
        logging.debug("no lock for %s (%s): going on without one", entry, exc)
        yield
        return
    with handle:
        if not _try_lock(handle):
            logging.info("waiting for another process to finish fetching into %s", entry)
            _lock(handle)
        try:
            yield
        finally:
            _unlock(handle)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(handle: IO[bytes]) -> None:
        while not _try_lock(handle):
            time.sleep(0.1)

    def _unlock(handle: IO[bytes]) -> None:
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def discard(final: Path) -> None:
    """Delete ``final`` and everything kept beside it (stamp, partial download, validator)."""
    for suffix in ("", *SIDE_SUFFIXES):
        final.with_name(final.name + suffix).unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def verify(path: Path, *, sha256: str | None, size: int | None, owned: bool, what: str) -> None:
    """Check ``path`` against the registered digest and size.

    ``owned`` files (inside the cache) are deleted on a mismatch, so the next call fetches them
    afresh, and a ``.verified`` stamp spares re-hashing them on every load. Files the user owns
    (local paths, files shipped in a distribution) are never deleted, and hashed each time.
    """
    if sha256 is None and size is None:
        return
    stat = path.stat()
    stamp = path.with_name(path.name + _VERIFIED_SUFFIX)
    expected_stamp = f"{sha256} {stat.st_size} {stat.st_mtime_ns}"
    if owned and sha256 is not None and _read(stamp) == expected_stamp:
        return
    problem = None
    if size is not None and stat.st_size != size:
        problem = f"its size is {stat.st_size} bytes, but {size} bytes were registered"
    elif sha256 is not None and (actual := file_sha256(path)) != sha256:
        problem = f"its sha256 is {actual}, but {sha256} was registered"
    if problem is None:
        if owned and sha256 is not None:
            with contextlib.suppress(OSError):
                stamp.write_text(expected_stamp)
        return
    if owned:
        discard(path)
        fate = "The file was deleted from the cache; calling again downloads it afresh."
    else:
        fate = "The file was left in place: replace it with the right one."
    raise ChecksumMismatchError(
        f"{what}: the file {str(path)!r} is corrupt or not the registered one: {problem}. "
        f"{fate} If it persists, the source serves a different file than the one registered: "
        "tell the model's provider."
    )


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None
