"""Reading a ``.nemo`` archive in place, after checking every member is safe.

The archive is a tar (gzip-compressed before NeMo 1.7). Opening it reads only the tar headers:
members are read later through bounded views of the file (:class:`MemberView`), so nothing is
extracted unless asked for, and then only into a given directory. Anything that could write
outside that directory or be something other than plain data is refused at open: absolute
names, ``..``, links, devices, fifos, sparse files, duplicate names.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from nemo.core.connectors._errors import NemoArchiveError
from nemo.core.connectors._limits import ArchiveLimits

__all__ = ["ArchiveMember", "MemberView", "NemoArchive", "normalise_member_name"]

_BLOCK = tarfile.BLOCKSIZE
_COPY_CHUNK = 8 * 2**20
_DRIVE = re.compile(r"^[A-Za-z]:")
_OTHER_FORMATS = {
    b"PK\x03\x04": "a zip file (a bare torch checkpoint is one: load it with torch.load)",
    b"BZh": "bzip2-compressed (NeMo archives are tar, or tar.gz for NeMo < 1.7)",
    b"\xfd7zXZ\x00": "xz-compressed (NeMo archives are tar, or tar.gz for NeMo < 1.7)",
}


@dataclass(frozen=True)
class ArchiveMember:
    name: str  # normalised: no leading "./"
    size: int
    offset: int  # where its data starts in the (uncompressed) tar file
    is_dir: bool


def normalise_member_name(name: str) -> str | None:
    """``name`` without ``./`` prefixes or empty parts; None if it could escape a directory."""
    if "\x00" in name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
        return None
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    return "/".join(parts)


class NemoArchive:
    """An opened ``.nemo`` archive whose members were all checked; use as a context manager."""

    def __init__(
        self, path: Path, tar_path: Path, members: dict[str, ArchiveMember], scratch: Path | None
    ) -> None:
        self.path = path
        self.compressed = scratch is not None
        self.members = members
        self._tar_path = tar_path
        self._scratch = scratch

    @classmethod
    def open(cls, path: str | Path, limits: ArchiveLimits | None = None) -> NemoArchive:
        """Check ``path`` is a safe tar (or tar.gz) archive and list its members.

        Raises FileNotFoundError for a missing file, NemoArchiveError for anything else wrong.
        """
        limits = limits or ArchiveLimits()
        path = Path(path).expanduser().absolute()
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such .nemo archive; check the path")
        if path.is_dir():
            raise NemoArchiveError(f"{path} is a directory, not a .nemo archive (a tar file)")
        with path.open("rb") as handle:
            magic = handle.read(8)
        gzipped = magic[:2] == b"\x1f\x8b"  # NeMo < 1.7 compressed its archives
        scratch = Path(tempfile.mkdtemp(prefix="nemo-archive-")) if gzipped else None
        tar_path = path if scratch is None else scratch / "archive.tar"
        try:
            if scratch is not None:  # decompressed once, then read in place like the others
                _gunzip(path, tar_path, limits)
            members = _scan(tar_path, path, magic, limits)
        except BaseException:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            raise
        return cls(path, tar_path, members, scratch)

    def close(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> NemoArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def file(self, name: str) -> ArchiveMember | None:
        """The regular-file member called ``name`` (``./name`` and ``name`` alike), if any."""
        normalised = normalise_member_name(name)
        member = None if normalised is None else self.members.get(normalised)
        return None if member is None or member.is_dir else member

    def require(self, name: str, what: str) -> ArchiveMember:
        member = self.file(name)
        if member is None:
            files = sorted(m.name for m in self.members.values() if not m.is_dir)
            raise NemoArchiveError(
                f"{self.path}: no {name} member ({what}); the archive holds "
                f"{files or 'no files'}. Is it a .nemo archive written by save_to?"
            )
        return member

    def open_member(self, member: ArchiveMember) -> MemberView:
        """A read-only, seekable file of ``member``'s bytes, read from the archive in place."""
        return MemberView(self._tar_path, member.offset, member.size, f"{self.path}:{member.name}")

    def read_bytes(self, member: ArchiveMember, max_bytes: int) -> bytes:
        if member.size > max_bytes:
            raise NemoArchiveError(
                f"{self.path}: member {member.name} is {member.size} bytes, more than the "
                f"{max_bytes} allowed; raise ArchiveLimits if the archive is trusted"
            )
        with self.open_member(member) as view:
            return view.read_exactly(member.size)

    def copy_member(self, member: ArchiveMember, out: BinaryIO) -> None:
        with self.open_member(member) as view:
            shutil.copyfileobj(view, out, _COPY_CHUNK)

    def extract(self, member: ArchiveMember, directory: Path) -> Path:
        """Write ``member`` to ``directory/<its name>`` (never elsewhere); return that path."""
        root = directory.resolve()
        target = root.joinpath(*member.name.split("/"))
        if not target.resolve().is_relative_to(root):  # names were checked; belt and braces
            raise NemoArchiveError(f"{self.path}: member {member.name} would leave {root}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as out:  # "x": never follow or overwrite what is there
            self.copy_member(member, out)
        return target


class MemberView(io.RawIOBase):
    """Bytes ``[offset, offset + size)`` of a file, as a read-only seekable file."""

    # whether read_at works here: it reads without moving the position, so several threads
    # may read one view at once
    can_read_at = hasattr(os, "preadv")

    def __init__(self, path: Path, offset: int, size: int, label: str) -> None:
        super().__init__()
        self._file = path.open("rb", buffering=0)
        self._offset = offset
        self._size = size
        self._position = 0
        self.label = label

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        count = max(0, min(len(buffer), self._size - self._position))
        if count == 0:
            return 0
        self._file.seek(self._offset + self._position)
        got = self._file.readinto(memoryview(buffer).cast("B")[:count]) or 0
        self._position += got
        return got

    def read_at(self, position: int, into: memoryview) -> None:
        """Fill ``into`` from ``position`` on; NemoArchiveError if the member ends first."""
        if position < 0 or position + len(into) > self._size:
            raise NemoArchiveError(
                f"{self.label}: bytes {position}..{position + len(into)} lie outside its "
                f"{self._size} bytes; the archive is corrupt"
            )
        done = 0
        while done < len(into):
            got = os.preadv(self._file.fileno(), [into[done:]], self._offset + position + done)
            if got == 0:
                raise NemoArchiveError(
                    f"{self.label}: ends after {position + done} of {self._size} bytes; the "
                    "archive is truncated or was changed while reading"
                )
            done += got

    def read_exactly(self, count: int, into: bytearray | memoryview | None = None) -> bytes:
        """``count`` bytes from the current position; NemoArchiveError if the file ends first."""
        buffer = into if into is not None else bytearray(count)
        view = memoryview(buffer)
        done = 0
        while done < count:
            got = self.readinto(view[done:count])
            if got == 0:
                raise NemoArchiveError(
                    f"{self.label}: ends after {self._position} of {self._size} bytes; the "
                    "archive is truncated or was changed while reading"
                )
            done += got
        return bytes(buffer) if into is None else b""

    def close(self) -> None:
        self._file.close()
        super().close()


def _gunzip(source: Path, target: Path, limits: ArchiveLimits) -> None:
    allowed = limits.max_uncompressed(source.stat().st_size)
    written = 0
    try:
        with gzip.open(source, "rb") as compressed, target.open("wb") as out:
            while chunk := compressed.read(_COPY_CHUNK):
                written += len(chunk)
                if written > allowed:
                    raise NemoArchiveError(
                        f"{source}: the gzip archive expands beyond {allowed} bytes "
                        f"({limits.max_expansion_ratio}x its size); refusing it as a possible "
                        "decompression bomb. Raise ArchiveLimits.max_expansion_ratio if trusted"
                    )
                out.write(chunk)
    except EOFError as exc:
        raise NemoArchiveError(
            f"{source}: the gzip archive is truncated ({exc}); download or copy it again"
        ) from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise NemoArchiveError(f"{source}: corrupt gzip archive ({exc})") from None


def _scan(
    tar_path: Path, shown: Path, magic: bytes, limits: ArchiveLimits
) -> dict[str, ArchiveMember]:
    size = tar_path.stat().st_size
    if size == 0:
        raise NemoArchiveError(f"{shown}: empty file, not a .nemo archive")
    members: dict[str, ArchiveMember] = {}
    end = 0  # where the block after the last member's data starts
    try:
        with tarfile.open(tar_path, "r:") as tar:
            for info in _iterate(tar, shown, limits):
                member = _checked(info, shown, size)
                earlier = members.get(member.name)
                if earlier is not None and not (earlier.is_dir and member.is_dir):
                    raise NemoArchiveError(
                        f"{shown}: member {info.name!r} appears twice; refusing an ambiguous "
                        "archive"
                    )
                members[member.name] = member
                end = info.offset_data + _padded(info.size)
    except tarfile.ReadError as exc:
        if end == 0 and not members:
            raise NemoArchiveError(_not_a_tar(shown, magic, size, exc)) from None
        raise NemoArchiveError(
            f"{shown}: the archive is truncated or corrupt ({exc}; the file has {size} bytes); "
            "download or copy it again"
        ) from None
    _check_end_marker(tar_path, shown, end)
    return members


def _iterate(tar: tarfile.TarFile, shown: Path, limits: ArchiveLimits) -> Iterator[tarfile.TarInfo]:
    for count, info in enumerate(tar, start=1):
        if count > limits.max_members:
            raise NemoArchiveError(
                f"{shown}: more than {limits.max_members} members; refusing it. Raise "
                "ArchiveLimits.max_members if the archive is trusted"
            )
        yield info


def _checked(info: tarfile.TarInfo, shown: Path, size: int) -> ArchiveMember:
    name = normalise_member_name(info.name)
    if name is None:
        raise NemoArchiveError(
            f"{shown}: member {info.name!r} has an absolute or parent-relative name that could "
            "write outside the extraction directory; refusing the archive"
        )
    if info.issym() or info.islnk():
        raise NemoArchiveError(
            f"{shown}: member {info.name!r} is a {'symbolic' if info.issym() else 'hard'} link "
            f"(to {info.linkname!r}); .nemo archives hold only files, so refusing the archive"
        )
    if info.issparse() or not (info.isreg() or info.isdir()):
        raise NemoArchiveError(
            f"{shown}: member {info.name!r} is a device, fifo or other special file; .nemo "
            "archives hold only files, so refusing the archive"
        )
    if info.offset_data + info.size > size:
        raise NemoArchiveError(
            f"{shown}: member {info.name!r} needs {info.size} bytes from byte "
            f"{info.offset_data}, but the file ends at byte {size}: the archive is truncated; "
            "download or copy it again"
        )
    return ArchiveMember(name, info.size if info.isreg() else 0, info.offset_data, info.isdir())


def _check_end_marker(tar_path: Path, shown: Path, end: int) -> None:
    """A complete tar ends with zero blocks; anything else after the last member is damage."""
    with tar_path.open("rb") as handle:
        handle.seek(end)
        block = handle.read(_BLOCK)
    if len(block) < _BLOCK:
        raise NemoArchiveError(
            f"{shown}: ends at byte {end + len(block)} without the tar end-of-archive marker: "
            "the archive is truncated; download or copy it again"
        )
    if block.count(0) != _BLOCK:
        raise NemoArchiveError(
            f"{shown}: invalid tar header at byte {end}: the archive is corrupt; download or "
            "copy it again"
        )


def _not_a_tar(shown: Path, magic: bytes, size: int, exc: Exception) -> str:
    for prefix, what in _OTHER_FORMATS.items():
        if magic.startswith(prefix):
            return f"{shown} is not a .nemo archive: it is {what}"
    if size < 2 * _BLOCK:
        return (
            f"{shown}: only {size} bytes, too short for a tar archive: truncated, or not a "
            ".nemo archive"
        )
    return f"{shown} is not a .nemo archive: no valid tar header at its start ({exc})"


def _padded(size: int) -> int:
    return -(-size // _BLOCK) * _BLOCK
