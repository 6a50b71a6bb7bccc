"""The safetensors file format, read and written as a stream (no ``safetensors`` package needed).

The format (https://huggingface.co/docs/safetensors) is: an 8-byte little-endian header length
``N``; ``N`` bytes of JSON mapping each tensor name to its ``dtype``, ``shape`` and
``data_offsets`` (``[begin, end)`` in the data that follows), plus an optional string-to-string
``__metadata__``; then the raw little-endian tensor bytes. It holds no code at all, which is why
it is offered. Implemented here rather than through the ``safetensors`` package because that
package reads and writes whole files or whole in-memory buffers, while a ``.nemo`` archive needs
the bytes streamed into, and read in place from, one member of a tar.
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import torch

from nemo.core.connectors._memory import tensor_bytes

__all__ = ["SafetensorsEntry", "read_header", "write_safetensors"]

_MAX_HEADER = 100 * 2**20
_DTYPES: dict[str, torch.dtype] = {
    "BOOL": torch.bool,
    "U8": torch.uint8,
    "I8": torch.int8,
    "I16": torch.int16,
    "U16": torch.uint16,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I32": torch.int32,
    "U32": torch.uint32,
    "F32": torch.float32,
    "F64": torch.float64,
    "I64": torch.int64,
    "U64": torch.uint64,
    "F8_E4M3": torch.float8_e4m3fn,
    "F8_E5M2": torch.float8_e5m2,
}
_NAMES = {dtype: name for name, dtype in _DTYPES.items()}


class _Readable(Protocol):
    def read_exactly(self, count: int) -> bytes: ...


class _Writable(Protocol):
    def write(self, data: Any) -> int: ...


@dataclass(frozen=True)
class SafetensorsEntry:
    name: str
    dtype: torch.dtype
    shape: tuple[int, ...]
    start: int  # byte offset in the file
    nbytes: int


def read_header(
    source: _Readable, size: int, label: str
) -> tuple[list[SafetensorsEntry], dict[str, str]]:
    """The tensors in a safetensors file of ``size`` bytes, and its metadata; ValueError if bad."""
    _require_little_endian()
    if size < 8:
        raise ValueError(f"{label}: {size} bytes, too short for a safetensors file")
    (header_size,) = struct.unpack("<Q", source.read_exactly(8))
    if header_size > min(_MAX_HEADER, size - 8):
        raise ValueError(
            f"{label}: header of {header_size} bytes does not fit the {size}-byte file: "
            "truncated, or not a safetensors file"
        )
    try:
        header = json.loads(source.read_exactly(header_size))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{label}: the header is not JSON ({exc})") from None
    if not isinstance(header, dict):
        raise ValueError(f"{label}: the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError(f"{label}: __metadata__ must map strings to strings")
    data_start = 8 + header_size
    data_size = size - data_start
    return [
        _entry(name, info, data_start, data_size, label) for name, info in header.items()
    ], metadata


def _entry(name: str, info: Any, data_start: int, data_size: int, label: str) -> SafetensorsEntry:
    where = f"{label}: tensor {name!r}"
    if not isinstance(info, dict):
        raise ValueError(f"{where}: its header entry is not an object")
    dtype = _DTYPES.get(info.get("dtype"))  # type: ignore[arg-type]
    if dtype is None:
        raise ValueError(f"{where}: unknown dtype {info.get('dtype')!r}; known: {sorted(_DTYPES)}")
    shape = info.get("shape")
    offsets = info.get("data_offsets")
    if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)):
        raise ValueError(f"{where}: shape must be a list of non-negative integers, got {shape!r}")
    if not (
        isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)
    ):
        raise ValueError(f"{where}: data_offsets must be [begin, end], got {offsets!r}")
    begin, end = offsets
    numel = 1
    for dim in shape:
        numel *= dim
    expected = numel * torch.empty((), dtype=dtype).element_size()
    if not 0 <= begin <= end <= data_size or end - begin != expected:
        raise ValueError(
            f"{where}: data_offsets {offsets} do not hold its {expected} bytes within the "
            f"{data_size} bytes of data: truncated or corrupt"
        )
    return SafetensorsEntry(name, dtype, tuple(shape), data_start + begin, end - begin)


def write_safetensors(state_dict: Mapping[str, Any], out: _Writable) -> None:
    """Write ``state_dict`` (names to tensors) to ``out`` as one safetensors file, streaming."""
    _require_little_endian()
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    tensors: list[torch.Tensor] = []
    offset = 0
    for name, value in state_dict.items():
        if not isinstance(value, torch.Tensor):
            raise ValueError(
                f"state_dict[{name!r}] is a {type(value).__name__}, not a tensor: safetensors "
                "holds only tensors; save with weights_format='ckpt'"
            )
        dtype_name = _NAMES.get(value.dtype)
        if dtype_name is None or value.layout != torch.strided:
            raise ValueError(
                f"state_dict[{name!r}] ({value.dtype}, {value.layout}) cannot be stored as "
                "safetensors; save with weights_format='ckpt'"
            )
        tensor = value.detach()
        nbytes = tensor.numel() * tensor.element_size()
        header[name] = {
            "dtype": dtype_name,
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + nbytes],
        }
        tensors.append(tensor)
        offset += nbytes
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # keeps the data 8-byte aligned, as safetensors does
    out.write(struct.pack("<Q", len(encoded)))
    out.write(encoded)
    for tensor in tensors:
        if tensor.numel():
            on_cpu = tensor.to("cpu").contiguous()  # held while its bytes are written
            out.write(tensor_bytes(on_cpu))


def _require_little_endian() -> None:
    if sys.byteorder != "little":
        raise NotImplementedError(
            "safetensors weights are read and written on little-endian hosts only"
        )
