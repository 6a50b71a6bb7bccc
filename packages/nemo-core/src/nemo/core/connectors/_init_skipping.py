"""Building a model without the random initialisation that restoring overwrites anyway.

Restoring builds the model from its config, then copies the archive's weights over every
parameter: drawing random values first is wasted work, about half the time of a restore.
While an :class:`InitSkipping` mode is active, the in-place random initialisers
(``torch.nn.init``'s and ``Tensor.uniform_``/``normal_``) leave their tensor as allocated
instead, and its storage is recorded as *pending*. Everything else runs as usual, so buffers
computed in constructors (windows, filterbanks, constant fills) are what a normal build gives.

Skipping is only sound if no pending value can be seen, so the build is watched, through a
thread-local torch function mode (other threads are unaffected):

* an operation reading a pending tensor makes its results (and whatever it writes into)
  pending too;
* an operation turning a pending value into something that is not a tensor (``item``,
  ``tolist``, ``bool``, ``numpy``, printing) is an escape: nothing can follow that value.

:meth:`InitSkipping.overwritten_by` then says whether every pending storage still alive is
entirely overwritten by the weights about to be loaded. When it is not (an escape, a
parameter missing from the archive under ``strict=False``, a non-persistent buffer computed
from a random tensor, a model that customises its loading), the caller builds the model
again with its initialisation: slower, never wrong. Values reached without going through
torch (raw pointers from ``data_ptr``, storages' own methods) are not followed.

A restore consumes no random numbers for the skipped initialisers, so the global RNG state
after it differs from NeMo's (which draws them, then overwrites them).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from typing import Any

import torch
from torch.multiprocessing.reductions import StorageWeakRef
from torch.overrides import TorchFunctionMode

from nemo.core.connectors._memory import StorageKey, byte_span, storage_key

__all__ = ["InitSkipping"]

# initialisers whose work is skipped: they only fill their first argument, in place
_SKIPPED: frozenset[Any] = frozenset(
    [
        torch.nn.init.uniform_,
        torch.nn.init.normal_,
        torch.nn.init.trunc_normal_,
        torch.nn.init.xavier_uniform_,
        torch.nn.init.xavier_normal_,
        torch.nn.init.kaiming_uniform_,
        torch.nn.init.kaiming_normal_,
        torch.nn.init.orthogonal_,
        torch.nn.init.sparse_,
        torch.Tensor.uniform_,
        torch.Tensor.normal_,
    ]
)

# operations whose non-tensor results never depend on a tensor's values
_METADATA = frozenset(
    {
        "__hash__",
        "__len__",
        "_cdata",
        "_has_compatible_shallow_copy_type",
        "_is_zerotensor",
        "_is_view",
        "_typed_storage",
        "_version",
        "data_ptr",
        "device",
        "dim",
        "dtype",
        "element_size",
        "get_device",
        "grad",
        "grad_fn",
        "has_names",
        "is_complex",
        "is_conj",
        "is_contiguous",
        "is_cpu",
        "is_cuda",
        "is_floating_point",
        "is_inference",
        "is_leaf",
        "is_meta",
        "is_mkldnn",
        "is_mps",
        "is_neg",
        "is_nested",
        "is_pinned",
        "is_quantized",
        "is_same_size",
        "is_set_to",
        "is_shared",
        "is_signed",
        "is_sparse",
        "is_xpu",
        "itemsize",
        "layout",
        "names",
        "nbytes",
        "ndim",
        "ndimension",
        "nelement",
        "numel",
        "output_nr",
        "requires_grad",
        "shape",
        "size",
        "storage_offset",
        "stride",
        "untyped_storage",
    }
)

# operations whose tensor results never depend on their arguments' values
_VALUE_FREE = frozenset(
    {"empty_like", "full_like", "new_empty", "new_full", "new_ones", "new_zeros"}
    | {"ones_like", "zeros_like"}
)

_SETTERS = frozenset({"__setitem__", "__set__"})


class InitSkipping(TorchFunctionMode):
    """While active (``with InitSkipping() as skipping:``), random initialisers are skipped in
    this thread and what they left unset is followed; then :meth:`overwritten_by` says
    whether it all gets loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped = 0  # initialiser calls skipped
        self.escape: str | None = None  # the first operation that let a pending value out
        self.reason: str | None = None  # why overwritten_by could not show it
        self._pending: dict[StorageKey, tuple[Any, int]] = {}  # weak reference, size

    def __torch_function__(
        self,
        func: Any,
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        if func in _SKIPPED:
            target = args[0] if args else kwargs.get("tensor")
            if isinstance(target, torch.Tensor) and self._mark(target):
                self.skipped += 1
                return target
        if not self._pending or not any(self._is_pending(t) for t in _tensors((args, kwargs))):
            return func(*args, **kwargs)
        result = func(*args, **kwargs)
        self._read(func, args, kwargs, result)
        return result

    def overwritten_by(
        self, targets: Mapping[str, torch.Tensor] | None, stored: Mapping[str, Any]
    ) -> set[str] | None:
        """The keys whose loading overwrites every value left unset that is still alive, or
        None when that cannot be shown (:attr:`reason` says why).

        ``targets``: what loading copies each key into (:func:`load_targets`; None when the
        model customises its loading); ``stored``: the archive's keys, with their ``.shape``.
        """
        self.reason = None
        if self.escape is not None:
            self.reason = f"{self.escape} used values before they were loaded"
            return None
        live = self._live()
        if not live:
            return set()
        if targets is None:
            self.reason = "the model customises how its weights are loaded"
            return None
        loaded = {
            key: tensor
            for key, tensor in targets.items()
            if key in stored
            and tuple(stored[key].shape) == tuple(tensor.shape)
            and tensor.is_contiguous()
            and tensor.numel() > 0
        }
        spans: dict[StorageKey, list[tuple[int, int]]] = {}
        for tensor in loaded.values():
            key, start, end = byte_span(tensor)
            spans.setdefault(key, []).append((start, end))
        uncovered = {k for k, size in live.items() if not _covers(spans.get(k, []), size)}
        if uncovered:
            gc.collect()  # a pending temporary kept only by a reference cycle is no value
            uncovered &= set(self._live())
        if uncovered:
            names = sorted(
                k for k, t in targets.items() if t.numel() and storage_key(t) in uncovered
            )
            self.reason = (
                f"{', '.join(names[:3]) or 'a tensor outside the state dict'} would keep values "
                "that the archive does not overwrite"
            )
            return None
        return {key for key, tensor in loaded.items() if storage_key(tensor) in live}

    def _mark(self, tensor: torch.Tensor) -> bool:
        if tensor.is_meta or tensor.layout != torch.strided or tensor.numel() == 0:
            return False
        storage = tensor.untyped_storage()
        key = (storage.device.type, storage.data_ptr())
        entry = self._pending.get(key)
        if entry is None or _expired(entry[0]):
            self._pending[key] = (_weak_ref(storage), storage.nbytes())
        return True

    def _is_pending(self, tensor: torch.Tensor) -> bool:
        if tensor.is_meta or tensor.layout != torch.strided:
            return False
        entry = self._pending.get(storage_key(tensor))
        return entry is not None and not _expired(entry[0])

    def _read(
        self, func: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], result: Any
    ) -> None:
        """``func`` read a pending value: what it made or wrote is pending too."""
        name = _name(func)
        if name in _METADATA or name in _VALUE_FREE:
            return
        written: list[Any] = [result, kwargs.get("out")]
        if args and (name.endswith("_") or name.startswith("__i") or name in _SETTERS):
            written.append(args[0])  # in place: the tensor it was called on
        for tensor in _tensors(written):
            self._mark(tensor)
        if self.escape is None and any(_opaque(value) for value in _leaves(result)):
            self.escape = f"{name}()"

    def _live(self) -> dict[StorageKey, int]:
        return {k: size for k, (ref, size) in self._pending.items() if not _expired(ref)}


def _weak_ref(storage: torch.UntypedStorage) -> Any:
    """A reference that does not keep the storage's memory: temporaries are freed as usual."""
    weak: Any = StorageWeakRef  # untyped in torch
    return weak(storage)


def _expired(reference: Any) -> bool:
    return bool(reference.expired())


def _covers(ranges: list[tuple[int, int]], size: int) -> bool:
    reached = 0
    for start, end in sorted(ranges):
        if start > reached:
            return False
        reached = max(reached, end)
    return reached >= size


def _name(func: Any) -> str:
    name = getattr(func, "__name__", "")
    if name in ("__get__", "__set__"):  # a property: Tensor.shape.__get__ is named by its owner
        owner = getattr(getattr(func, "__self__", None), "__name__", "")
        return name if name == "__set__" else owner
    return str(name)


def _tensors(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item)


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, (tuple, list)) and not isinstance(value, torch.Size):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _opaque(value: Any) -> bool:
    """A result that could carry a tensor's values where they can no longer be followed."""
    return value is not None and not isinstance(value, torch.Tensor)
