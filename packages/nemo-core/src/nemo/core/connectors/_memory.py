"""The memory behind tensors: which storage and bytes it is, and filling it from an archive."""

from __future__ import annotations

import ctypes
import mmap
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import Any

import torch

from nemo.core.connectors._tar_reader import MemberView

__all__ = ["Filler", "StorageKey", "byte_span", "fresh_bytes", "storage_key", "tensor_bytes"]

StorageKey = tuple[str, int]  # a storage: its device type and address

_MADV_POPULATE_WRITE = 23  # Linux 5.14+
_POPULATE_FROM = 2**20  # smaller tensors are not worth a system call
_OWN_MAPPING_FROM = 2**20
_PIECE = 16 * 2**20  # the least a thread fills at a time
_MAX_THREADS = 4  # more does not help: the memory bus is the limit
_madvise: Any = None


def storage_key(tensor: torch.Tensor) -> StorageKey:
    storage = tensor.untyped_storage()
    return (storage.device.type, storage.data_ptr())


def byte_span(tensor: torch.Tensor) -> tuple[StorageKey, int, int]:
    """The storage and the range of its bytes that ``tensor`` can reach (empty if no elements)."""
    element = tensor.element_size()
    start = int(tensor.storage_offset()) * element
    if tensor.numel() == 0:
        return storage_key(tensor), start, start
    steps = zip(tensor.shape, tensor.stride(), strict=True)
    extent = 1 + sum((int(size) - 1) * int(step) for size, step in steps)
    return storage_key(tensor), start, start + extent * element


def tensor_bytes(tensor: torch.Tensor) -> memoryview:
    """The bytes of a contiguous CPU tensor of any dtype, writable, without a copy.

    The view does not keep the tensor alive: the caller must, for as long as it is used.
    """
    if tensor.device.type != "cpu" or not tensor.is_contiguous():
        raise ValueError(f"not a contiguous CPU tensor: {tensor.device}, {tensor.stride()}")
    nbytes = tensor.numel() * tensor.element_size()
    if nbytes == 0:
        return memoryview(bytearray())
    array = (ctypes.c_ubyte * nbytes).from_address(tensor.data_ptr())
    return memoryview(array).cast("B")


def fresh_bytes(nbytes: int) -> torch.Tensor:
    """A new uint8 tensor of ``nbytes`` (not zeroed), whose memory goes back to the system as
    soon as it is freed.

    Big ones are mapped on their own: from the heap, freed buffers of a restore would stay in
    the process (glibc raises its threshold for mapping allocations on their own after the
    first large free), adding to its peak memory.
    """
    if nbytes < _OWN_MAPPING_FROM:
        return torch.empty(nbytes, dtype=torch.uint8)
    return torch.frombuffer(mmap.mmap(-1, nbytes), dtype=torch.uint8)


class Filler:
    """Reads an archive member's bytes straight into tensors' memory; a context manager.

    Most of the cost of filling fresh memory is the kernel mapping it, a 4 KiB page at a time
    on first write: so big tensors are first mapped in one system call each (``madvise``), and
    mapped and read in pieces on a few threads. Both are done by the kernel, which runs them
    in parallel; Python only waits.
    """

    def __init__(self, view: MemberView) -> None:
        self._view = view
        self._pool: ThreadPoolExecutor | None = None

    def fill(self, target: torch.Tensor, position: int) -> None:
        """``target`` (a contiguous CPU tensor) gets the member's bytes from ``position`` on."""
        memory = tensor_bytes(target)
        threads = _threads() if self._view.can_read_at else 1
        if threads == 1 or len(memory) < 2 * _PIECE:
            _map(target.data_ptr(), len(memory))
            self._view.seek(position)
            self._view.read_exactly(len(memory), into=memory)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(threads, thread_name_prefix="nemo-restore")
        piece = max(_PIECE, -(-len(memory) // threads))
        pieces: list[Future[None]] = [
            self._pool.submit(self._fill_piece, memory, target.data_ptr(), start, piece, position)
            for start in range(0, len(memory), piece)
        ]
        wait(pieces)  # all of them, even after a failure: none may write once this returns
        for done in pieces:
            done.result()  # raises what the piece raised

    def _fill_piece(
        self, memory: memoryview, address: int, start: int, length: int, position: int
    ) -> None:
        part = memory[start : start + length]
        _map(address + start, len(part))
        self._view.read_at(position + start, part)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> Filler:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _threads() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    return max(1, min(_MAX_THREADS, available))


def _map(address: int, nbytes: int) -> None:
    """Ask the kernel to map the whole pages of ``[address, address + nbytes)`` for writing,
    at once. Only a hint: ignored where unsupported (other systems, Linux before 5.14), and a
    no-op for memory already mapped."""
    global _madvise
    if nbytes < _POPULATE_FROM or not sys.platform.startswith("linux"):
        return
    if _madvise is None:
        try:
            _madvise = ctypes.CDLL(None, use_errno=True).madvise
            _madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        except (OSError, AttributeError):
            _madvise = False
    if not _madvise:
        return
    page = mmap.PAGESIZE
    start = -(-address // page) * page  # only whole pages of this range
    end = (address + nbytes) // page * page
    if end > start:
        _madvise(start, end - start, _MADV_POPULATE_WRITE)
