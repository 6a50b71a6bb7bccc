"""The weights member of an archive: written by streaming, read in place, loaded in chunks.

Reading first takes only the structure (names, shapes, dtypes and where each storage's bytes
are) — for a torch checkpoint through ``torch.load(weights_only=True, map_location="meta")``,
which unpickles with torch's allow-list and reads no tensor data. The bytes are then read
storage by storage from the archive: straight into the model's own tensors where loading would
copy them there unchanged (see :mod:`._load_targets`), otherwise into buffers loaded a bounded
chunk at a time. A restore needs about the model's size in memory and no extra disk.
"""

from __future__ import annotations

import io
import pickle
import sys
import warnings
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import torch

from nemo.core.connectors import _safetensors
from nemo.core.connectors._errors import NemoArchiveError, WeightsMismatchError, describe_mismatch
from nemo.core.connectors._limits import ArchiveLimits
from nemo.core.connectors._memory import Filler, StorageKey, byte_span, fresh_bytes
from nemo.core.connectors._tar_reader import MemberView
from nemo.core.connectors._torch_zip import save_without_crcs

__all__ = [
    "WEIGHTS_MEMBERS",
    "StoredWeights",
    "TensorSpec",
    "load_into",
    "read_weights",
    "write_weights",
]

# weights format -> member name; "ckpt" is what NeMo writes and reads
WEIGHTS_MEMBERS = {"ckpt": "model_weights.ckpt", "safetensors": "model_weights.safetensors"}


@dataclass(frozen=True)
class TensorSpec:
    """A tensor of the archive, without its data: what it is and where its bytes are."""

    shape: tuple[int, ...]
    dtype: torch.dtype
    storage: int  # byte offset of its storage in the member; tensors sharing storage share it
    storage_bytes: int
    offset: int  # in elements, into the storage
    stride: tuple[int, ...]

    @property
    def numel(self) -> int:
        count = 1
        for dim in self.shape:
            count *= dim
        return count

    @property
    def nbytes(self) -> int:
        return self.numel * self.dtype.itemsize


class StoredWeights:
    """A state dict inside an archive, known by its structure until read."""

    def __init__(
        self,
        label: str,
        specs: dict[str, TensorSpec],
        open_view: Callable[[], MemberView],
        *,
        metadata: Any = None,
        whole: Callable[[], Mapping[str, torch.Tensor]] | None = None,
    ) -> None:
        self.label = label
        self.specs = specs
        self.metadata = metadata
        self._open_view = open_view
        # set when the bytes cannot be read in place (pre-1.6 torch format, compressed or
        # foreign-endian records): the whole state dict is then read at once
        self._whole = whole

    def chunks(
        self, budget: int, into: Mapping[str, torch.Tensor] | None = None
    ) -> Iterator[OrderedDict[str, torch.Tensor]]:
        """The tensors on CPU, in dicts holding about ``budget`` bytes each (at least one dict).

        ``into`` maps keys to the tensors loading copies them into (:func:`load_targets`). A
        key whose tensor can take the stored bytes as they are is read straight into it, and
        its entry is that same memory: loading it copies nothing, and it costs no budget.
        """
        if self._whole is not None:
            yield self._with_metadata(OrderedDict(self._whole()))
            return
        direct = self._direct(into or {})
        by_storage: dict[int, list[str]] = {}
        for name, spec in self.specs.items():
            by_storage.setdefault(spec.storage, []).append(name)
        chunk: OrderedDict[str, torch.Tensor] = OrderedDict()
        size = 0
        yielded = False
        done: set[tuple[int, TensorSpec]] = set()  # (address, source) read: tied tensors once
        with self._open_view() as view, Filler(view) as filler:
            for start in sorted(by_storage):  # in file order
                names = by_storage[start]
                storage = None
                if any(name not in direct for name in names):
                    storage = _read_storage(filler, start, self.specs[names[0]].storage_bytes)
                    size += self.specs[names[0]].storage_bytes
                for name in names:
                    spec = self.specs[name]
                    target = direct.get(name)
                    if target is None:
                        assert storage is not None  # read above: not every key is direct
                        chunk[name] = torch.empty(0, dtype=spec.dtype).set_(
                            storage, spec.offset, spec.shape, spec.stride
                        )
                        continue
                    if (target.data_ptr(), spec) not in done:
                        done.add((target.data_ptr(), spec))
                        filler.fill(target, spec.storage + spec.offset * spec.dtype.itemsize)
                    chunk[name] = target.detach()  # the same memory: loading copies nothing
                del storage  # only the chunk holds it: freed with the chunk
                if size >= budget:
                    yield self._with_metadata(chunk)
                    chunk, size, yielded = OrderedDict(), 0, True
        if chunk or not yielded:
            yield self._with_metadata(chunk)

    def _direct(self, into: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """The keys read straight into their tensor: one of the same dtype, shape and dense
        layout, on the CPU, whose memory no other stored key is copied into — unless they all
        copy the same bytes there (tied weights). Otherwise the order in which loading copies
        them decides the result, so they are left to loading."""
        spans = sorted(
            (byte_span(tensor), name)
            for name, tensor in into.items()
            if name in self.specs and tensor.numel() > 0 and not tensor.is_meta
        )
        shared: set[str] = set()
        cluster: list[str] = []
        cluster_key: StorageKey | None = None
        reach = 0
        for (key, start, end), name in spans:
            if key == cluster_key and start < reach:  # overlaps the memory of the cluster
                cluster.append(name)
                reach = max(reach, end)
                continue
            shared.update(_conflicting(cluster, into, self.specs))
            cluster, cluster_key, reach = [name], key, end
        shared.update(_conflicting(cluster, into, self.specs))
        return {
            name: into[name]
            for name, spec in self.specs.items()
            if name in into and name not in shared and _fits(spec, into[name])
        }

    def load_all(self) -> OrderedDict[str, torch.Tensor]:
        """The whole state dict on CPU, tensors that shared storage still sharing it."""
        whole: OrderedDict[str, torch.Tensor] = OrderedDict()
        for chunk in self.chunks(sys.maxsize):
            whole.update(chunk)
        ordered = OrderedDict((name, whole[name]) for name in self.specs if name in whole)
        return self._with_metadata(ordered)

    def _with_metadata(
        self, state: OrderedDict[str, torch.Tensor]
    ) -> OrderedDict[str, torch.Tensor]:
        if self.metadata is not None:
            state._metadata = self.metadata  # type: ignore[attr-defined] # versions for load hooks
        return state


def read_weights(
    open_view: Callable[[], MemberView], member_name: str, size: int, limits: ArchiveLimits
) -> StoredWeights:
    """The structure of the weights member ``member_name``; NemoArchiveError if unreadable."""
    if member_name.endswith(".safetensors"):
        return _read_safetensors(open_view, size)
    return _read_torch(open_view, size, limits)


def write_weights(state_dict: Mapping[str, Any], out: Any, weights_format: str) -> bool:
    """Write the weights member; True if its zip's CRC-32s are left to :func:`fill_in_crcs`."""
    if weights_format == "safetensors":
        _safetensors.write_safetensors(state_dict, out)
        return False
    return save_without_crcs(state_dict, out)


def load_into(
    model: Any,
    weights: StoredWeights,
    *,
    strict: bool,
    where: str,
    budget: int,
    into: Mapping[str, torch.Tensor] | None = None,
) -> set[str] | None:
    """Copy the archive's tensors into ``model`` chunk by chunk, then check what did not fit.

    Each chunk goes through ``model.load_state_dict(chunk, strict=False)``, so models that
    override it or register load hooks still see every key; a key is missing if no chunk filled
    it. Shapes are checked before anything is copied. ``into``: see
    :meth:`StoredWeights.chunks`. Returns the keys left missing (None if ``load_state_dict``
    does not report them).
    """
    model_state = model.state_dict()
    mismatched = [
        (name, spec.shape, tuple(model_state[name].shape))
        for name, spec in weights.specs.items()
        if name in model_state
        and isinstance(model_state[name], torch.Tensor)
        and tuple(model_state[name].shape) != spec.shape
    ]
    if mismatched:
        raise WeightsMismatchError(where, mismatched=mismatched)
    missing: set[str] | None = None
    unexpected: set[str] = set()
    for chunk in weights.chunks(budget, into):
        result = model.load_state_dict(chunk, strict=False)
        del chunk  # freed before the next chunk is read: one chunk in memory at a time
        if result is None:  # an override that does not report; nothing to check
            continue
        missing = (
            set(result.missing_keys) if missing is None else missing & set(result.missing_keys)
        )
        unexpected |= set(result.unexpected_keys)
    if not missing and not unexpected:
        return missing
    missing_shapes = [(k, _shape(model_state.get(k))) for k in sorted(missing or ())]
    unexpected_shapes = [
        (k, weights.specs[k].shape if k in weights.specs else ()) for k in sorted(unexpected)
    ]
    if strict:
        raise WeightsMismatchError(where, missing=missing_shapes, unexpected=unexpected_shapes)
    warnings.warn(
        describe_mismatch(where, missing_shapes, unexpected_shapes, []).replace(
            "Pass strict=False to load the weights that match and skip the others, or",
            "strict=False: the weights that match were loaded; to load all,",
        ),
        UserWarning,
        stacklevel=4,
    )
    return missing


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(value.shape) if isinstance(value, torch.Tensor) else ()


def _read_storage(filler: Filler, start: int, nbytes: int) -> torch.UntypedStorage:
    buffer = fresh_bytes(nbytes)
    filler.fill(buffer, start)
    return buffer.untyped_storage()


def _fits(spec: TensorSpec, target: torch.Tensor) -> bool:
    """Whether the stored bytes of ``spec`` are, as they are, what loading copies into
    ``target``: same dtype and shape, both dense in row-major order, on the CPU."""
    return (
        target.device.type == "cpu"
        and target.layout == torch.strided
        and target.dtype == spec.dtype
        and tuple(target.shape) == spec.shape
        and target.numel() > 0
        and target.is_contiguous()
        and not target.is_conj()
        and not target.is_neg()
        and _row_major(spec.shape, spec.stride)
    )


def _row_major(shape: tuple[int, ...], stride: tuple[int, ...]) -> bool:
    expected = 1
    for size, step in zip(reversed(shape), reversed(stride), strict=True):
        if size != 1 and step != expected:
            return False
        expected *= size
    return True


def _conflicting(
    names: list[str], into: Mapping[str, torch.Tensor], specs: Mapping[str, TensorSpec]
) -> list[str]:
    """Keys copied into overlapping memory: all of them, unless they copy the same stored
    bytes into the same tensor shape (tied weights saved tied)."""
    if len(names) < 2:
        return []
    first = into[names[0]]
    same = all(
        specs[name] == specs[names[0]]
        and into[name].data_ptr() == first.data_ptr()
        and into[name].stride() == first.stride()
        for name in names
    )
    return [] if same else names


def _read_safetensors(open_view: Callable[[], MemberView], size: int) -> StoredWeights:
    with open_view() as view:
        label = view.label
        try:
            entries, _ = _safetensors.read_header(view, size, label)
        except ValueError as exc:
            raise NemoArchiveError(f"{exc}; the archive is corrupt") from None
    specs = {
        entry.name: TensorSpec(
            entry.shape, entry.dtype, entry.start, entry.nbytes, 0, _contiguous(entry.shape)
        )
        for entry in entries
    }
    return StoredWeights(label, specs, open_view)


def _read_torch(
    open_view: Callable[[], MemberView], size: int, limits: ArchiveLimits
) -> StoredWeights:
    with open_view() as view:
        label = view.label
        in_place = _inspect_zip(view, size, label, limits)
        view.seek(0)
        structure = _torch_load(view, label, map_location="meta")
    metadata = getattr(structure, "_metadata", None)
    specs: dict[str, TensorSpec] = {}
    for name, tensor in structure.items():
        storage = tensor.untyped_storage()
        start = getattr(storage, "_checkpoint_offset", None)
        if start is None or tensor.layout != torch.strided or tensor.is_quantized:
            in_place = False
            start = 0
        spec = TensorSpec(
            tuple(tensor.shape),
            tensor.dtype,
            int(start),
            storage.nbytes(),
            int(tensor.storage_offset()),
            tuple(tensor.stride()),
        )
        if in_place:
            _check_bounds(name, spec, size, label)
        specs[name] = spec
    if in_place:
        return StoredWeights(label, specs, open_view, metadata=metadata)

    def whole() -> Mapping[str, torch.Tensor]:
        with open_view() as again:
            return _torch_load(again, label, map_location="cpu")

    return StoredWeights(label, specs, open_view, metadata=metadata, whole=whole)


def _torch_load(view: MemberView, label: str, map_location: str) -> Mapping[str, torch.Tensor]:
    reader = io.BufferedReader(view, 2**16)
    try:
        loaded = torch.load(reader, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as exc:
        reason = _refusal(str(exc))
        if reason is None:
            raise NemoArchiveError(f"{label}: corrupt torch checkpoint ({exc})") from None
        raise NemoArchiveError(
            f"{label}: refusing to unpickle it: it is not a plain state dict of tensors "
            f"({reason}). Restoring never runs code from an archive; if you trust the file, "
            "load its weights yourself with torch.load(weights_only=False) and save the model "
            "again"
        ) from None
    except NemoArchiveError:
        raise
    except Exception as exc:  # torch reports a damaged zip or pickle in many ways
        raise NemoArchiveError(
            f"{label}: not a readable torch checkpoint ({type(exc).__name__}: {exc}); the "
            "archive is corrupt"
        ) from None
    finally:
        reader.detach()  # the view belongs to the caller: do not let the reader close it
    if not isinstance(loaded, Mapping):
        raise NemoArchiveError(
            f"{label}: holds a {type(loaded).__name__}, not a state dict (a mapping of names to "
            "tensors)"
        )
    for key, value in loaded.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise NemoArchiveError(
                f"{label}: not a plain state dict: entry {key!r} holds a "
                f"{type(value).__name__}, not a tensor (a Lightning checkpoint is not a .nemo "
                "weights file)"
            )
    return loaded


def _refusal(message: str) -> str | None:
    """The reason torch's weights-only unpickler gave for refusing, or None if just corrupt."""
    for line in message.splitlines():
        if "Unsupported" in line or "not an allowed global" in line:
            reason = line.strip().removeprefix("WeightsUnpickler error: ")
            return reason.split(". Please use", 1)[0]  # never advise allow-listing it
    return None


def _inspect_zip(view: MemberView, size: int, label: str, limits: ArchiveLimits) -> bool:
    """Whether the tensor records can be read in place: stored uncompressed, in this machine's
    byte order, as torch writes them. Refuses records declaring more bytes than ``limits``
    allow, before torch allocates them (a compressed record can be a decompression bomb)."""
    try:
        view.seek(0)
        with zipfile.ZipFile(view) as archive:
            records = archive.infolist()
            declared = sum(info.file_size for info in records)
            if declared > limits.max_uncompressed(size):
                raise NemoArchiveError(
                    f"{label}: its records declare {declared} bytes, more than "
                    f"{limits.max_expansion_ratio}x its size; refusing it as a possible "
                    "decompression bomb. Raise ArchiveLimits.max_expansion_ratio if it is trusted"
                )
            in_place = True
            for info in records:
                parts = info.filename.split("/")
                stored = info.compress_type == zipfile.ZIP_STORED
                if len(parts) == 3 and parts[1] == "data" and not stored:
                    in_place = False
                if parts[-1] == "byteorder" and info.file_size <= 8:
                    in_place = in_place and archive.read(info).decode() == sys.byteorder
            return in_place
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError):
        return False  # not a zip checkpoint (pre-1.6 torch format): read it whole


def _check_bounds(name: str, spec: TensorSpec, size: int, label: str) -> None:
    element = torch.empty((), dtype=spec.dtype).element_size()
    extent = (
        0
        if spec.numel == 0
        else 1 + sum((d - 1) * s for d, s in zip(spec.shape, spec.stride, strict=True))
    )
    if (
        spec.storage + spec.storage_bytes > size
        or (spec.offset + extent) * element > spec.storage_bytes
    ):
        raise NemoArchiveError(
            f"{label}: tensor {name!r} lies outside the {size}-byte member: the archive is "
            "truncated or corrupt"
        )


def _contiguous(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides: list[int] = []
    step = 1
    for dim in reversed(shape):
        strides.append(step)
        step *= max(dim, 1)
    return tuple(reversed(strides))
