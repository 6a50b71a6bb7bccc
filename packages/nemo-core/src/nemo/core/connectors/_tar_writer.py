"""Writing a tar archive member by member, streaming, as NeMo's archives are laid out.

Members whose size is known up front (config, artifacts) go through ``tarfile``'s header code.
The weights are streamed straight into the archive while they are serialised (their size is
only known at the end): a header with size 0 is written first, and rewritten in place once the
data is complete, so the weights never exist twice, in memory or on disk.
"""

from __future__ import annotations

import tarfile
import time
from collections.abc import Callable
from typing import Any, BinaryIO

__all__ = ["TarWriter"]

_BLOCK = tarfile.BLOCKSIZE
_RECORD = tarfile.RECORDSIZE
_OCTAL_LIMIT = 8**11  # sizes from here on need the GNU base-256 encoding in the header
_COPY_CHUNK = 8 * 2**20


class TarWriter:
    """Members appended to ``out`` (a seekable binary file) as an uncompressed tar."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._mtime = int(time.time())

    def add_directory(self, name: str) -> None:
        self._out.write(self._header(name, 0, tarfile.DIRTYPE))

    def add_bytes(self, name: str, data: bytes) -> None:
        self._out.write(self._header(name, len(data)))
        self._out.write(data)
        self._pad(len(data))

    def add_file(self, name: str, source: BinaryIO, size: int, label: str) -> None:
        """Copy exactly ``size`` bytes of ``source`` (``label`` names it in errors)."""
        self._out.write(self._header(name, size))
        remaining = size
        while remaining:
            chunk = source.read(min(_COPY_CHUNK, remaining))
            if not chunk:
                raise OSError(
                    f"{label}: shorter than its {size} bytes; was it changed while saving?"
                )
            self._out.write(chunk)
            remaining -= len(chunk)
        self._pad(size)

    def add_stream(self, name: str, write: Callable[[_Sink], None]) -> tuple[int, int]:
        """Add a member whose bytes ``write(sink)`` produces; returns where they start in the
        file and how many there are."""
        header_at = self._out.tell()
        placeholder = self._header(name, 0)
        if len(placeholder) != _BLOCK:
            raise ValueError(f"streamed member names must fit one tar header, got {name!r}")
        self._out.write(placeholder)
        sink = _Sink(self._out)
        write(sink)
        size = sink.written
        self._pad(size)
        end = self._out.tell()
        self._out.seek(header_at)
        self._out.write(self._header(name, size))
        self._out.seek(end)
        return header_at + _BLOCK, size

    def finish(self) -> None:
        """The end-of-archive marker (two zero blocks), padded to a full record as tar does."""
        self._out.write(b"\0" * 2 * _BLOCK)
        remainder = self._out.tell() % _RECORD
        if remainder:
            self._out.write(b"\0" * (_RECORD - remainder))

    def _header(self, name: str, size: int, kind: bytes = tarfile.REGTYPE) -> bytes:
        info = tarfile.TarInfo(name)
        info.size = size
        info.type = kind
        info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
        info.mtime = self._mtime
        # Python's default (PAX) format, as NeMo writes; a member over 8 GiB gets GNU's base-256
        # size field so that its header stays one block and can be rewritten in place.
        if size >= _OCTAL_LIMIT:
            return info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape")
        return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")

    def _pad(self, size: int) -> None:
        remainder = size % _BLOCK
        if remainder:
            self._out.write(b"\0" * (_BLOCK - remainder))


class _Sink:
    """Only ``write``: serialisers see a plain stream, never the archive around it."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.written = 0

    def write(self, data: Any) -> int:
        count = self._out.write(data)
        self.written += count
        return count

    def flush(self) -> None:
        self._out.flush()
