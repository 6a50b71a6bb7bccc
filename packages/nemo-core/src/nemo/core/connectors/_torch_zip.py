"""torch checkpoints written without torch's CRC-32 pass, their CRC-32s filled in afterwards.

``torch.save`` computes the CRC-32 of every record as it writes it, which takes about as long
as writing the bytes. ``torch.load`` never checks them, but other zip readers do (Python's
``zipfile``, ``unzip -t``, the pickle scanners of model hubs), so they are kept: the zip is
written by torch's own writer told to skip them (:func:`save_without_crcs`), then
:func:`fill_in_crcs` computes them from the written file and writes them in place — while
the file is being flushed to disk, which leaves the CPU idle (see ``save_to``). The result is
byte for byte what ``torch.save`` writes.
"""

from __future__ import annotations

import mmap
import pickle
import struct
import zipfile
import zlib
from typing import Any, BinaryIO

import torch

__all__ = ["fill_in_crcs", "save_without_crcs"]

_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_HEADER = b"PK\x01\x02"
_DATA_DESCRIPTOR = b"PK\x07\x08"
_DATA_DESCRIPTOR_FLAG = 0x08
_WINDOW = 16 * 2**20


def save_without_crcs(obj: Any, out: Any) -> bool:
    """``torch.save(obj, out)``, leaving the CRC-32s at 0; False if this torch cannot, in
    which case ``torch.save`` wrote ``out`` with them.

    The writer is given the option per call (torch's own switch, ``set_crc32_options``, is
    process-wide and would change saves made meanwhile by other threads).
    """
    try:
        writer = torch._C.PyTorchFileWriter(
            out, False, torch.serialization._get_storage_alignment()
        )
        save: Any = torch.serialization._save  # untyped: torch's own, private
    except (AttributeError, TypeError):  # a torch whose internals differ: its public save
        torch.save(obj, out)
        return False
    try:
        save(obj, writer, pickle, torch.serialization.DEFAULT_PROTOCOL, False)
    finally:  # even on failure, as torch.save does: an unfinished writer aborts the process
        writer.write_end_of_file()
    return True


def fill_in_crcs(file: BinaryIO, start: int, size: int) -> None:
    """Write the CRC-32 of each record of the zip at ``[start, start + size)`` of ``file``.

    ``file``'s descriptor must be readable (``atomic_output``'s is); it is left positioned at
    its end. The file is read through a small mapped window: no copy, and little memory.
    """
    file.flush()
    with _Window(file.fileno(), start, size) as zipped:
        patches = _crc_patches(zipped)
    for position, crc in patches:
        file.seek(start + position)
        file.write(struct.pack("<I", crc))
    file.seek(0, 2)


def _crc_patches(zipped: _Window) -> list[tuple[int, int]]:
    """(position, CRC-32) for every place a record's CRC-32 is written: its local header, or
    the data descriptor after its data (torch writes those), and its central directory entry."""
    with zipfile.ZipFile(zipped) as archive:
        records = archive.infolist()
        central = archive.start_dir
    entries = []  # the central directory first: one pass over its end of the file
    for info in records:
        entry = zipped.read_at(central, 46)
        if entry[:4] != _CENTRAL_HEADER:
            raise _unexpected(f"no central directory entry for {info.filename!r}")
        entries.append(central)
        central += 46 + sum(struct.unpack("<HHH", entry[28:34]))
    patches: list[tuple[int, int]] = []
    for info, entry_at in zip(records, entries, strict=True):
        local = info.header_offset
        header = zipped.read_at(local, 30)
        if header[:4] != _LOCAL_HEADER or info.compress_type != zipfile.ZIP_STORED:
            raise _unexpected(f"record {info.filename!r} is not stored as torch stores it")
        flags, name_length, extra_length = struct.unpack("<H18xHH", header[6:30])
        begin = local + 30 + name_length + extra_length
        end = begin + info.file_size
        crc = zipped.crc32(begin, end)
        if not flags & _DATA_DESCRIPTOR_FLAG:
            patches.append((local + 14, crc))
        elif zipped.read_at(end, 4) == _DATA_DESCRIPTOR:  # torch's: the CRC-32 after the data
            patches.append((end + 4, crc))
        else:
            raise _unexpected(f"record {info.filename!r} has no data descriptor signature")
        patches.append((entry_at + 16, crc))
    return patches


class _Window:
    """Bytes ``[start, start + size)`` of a file, read through one mapped window at a time.

    Also a read-only seekable file, for ``zipfile``.
    """

    def __init__(self, fileno: int, start: int, size: int) -> None:
        self._fileno = fileno
        self._start = start
        self._size = size
        self._position = 0
        self._mapped: mmap.mmap | None = None
        self._mapped_at = 0  # where the window starts, from ``start``

    def read_at(self, position: int, count: int) -> bytes:
        count = max(0, min(count, self._size - position))
        return bytes(self._view(position, count)) if count else b""

    def crc32(self, begin: int, end: int) -> int:
        if end > self._size:
            raise _unexpected(f"a record ends at byte {end}, after the zip's {self._size}")
        crc = 0
        while begin < end:
            view = self._view(begin, min(end - begin, _WINDOW))
            crc = zlib.crc32(view, crc)
            begin += len(view)
            view.release()
        return crc

    def _view(self, position: int, count: int) -> memoryview:
        """Up to ``count`` bytes from ``position`` (all of them if they fit one window)."""
        mapped = self._mapped
        offset = position - self._mapped_at
        if mapped is None or offset < 0 or offset + count > len(mapped):
            self.close()
            absolute = self._start + position
            base = absolute - absolute % mmap.ALLOCATIONGRANULARITY
            length = min(max(_WINDOW, absolute - base + count), self._start + self._size - base)
            mapped = self._mapped = mmap.mmap(
                self._fileno, length, offset=base, access=mmap.ACCESS_READ
            )
            self._mapped_at = base - self._start
            offset = position - self._mapped_at
        return memoryview(mapped)[offset : offset + count]

    def seek(self, offset: int, whence: int = 0) -> int:
        self._position = (0, self._position, self._size)[whence] + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def read(self, count: int = -1) -> bytes:
        wanted = self._size - self._position if count < 0 else count
        data = self.read_at(self._position, wanted)
        self._position += len(data)
        return data

    def close(self) -> None:
        if self._mapped is not None:
            self._mapped.close()
            self._mapped = None

    def __enter__(self) -> _Window:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unexpected(what: str) -> RuntimeError:
    return RuntimeError(
        f"torch {torch.__version__} wrote a checkpoint zip unlike the ones it is known to "
        f"write ({what}); please report this. Nothing was replaced"
    )
