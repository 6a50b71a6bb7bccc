"""Axis kinds and axis descriptions: the "shape" half of a neural type."""

from __future__ import annotations

from enum import Enum

__all__ = ["AxisKind", "AxisKindAbstract", "AxisType"]


class AxisKindAbstract(Enum):
    """Base of every axis-kind enum; plugins subclass it to name axes NeMo does not know.

    Kinds of different enums never match each other, so a plugin's axes cannot be confused with
    NeMo's.
    """


class AxisKind(AxisKindAbstract):
    """The axis kinds NeMo's modules use. ``Channel`` is an alias of ``Dimension``."""

    Batch = 0
    Time = 1
    Dimension = 2
    Channel = 2
    Width = 3
    Height = 4
    Any = 5
    Sequence = 6
    FlowGroup = 7
    Singleton = 8

    def __str__(self) -> str:
        return self.name.lower()

    def __repr__(self) -> str:
        return self.name.lower()

    @staticmethod
    def from_str(label: str) -> AxisKind:
        """The kind named by a short or long label, e.g. ``"B"`` or ``"batch"`` (any case).

        Deviation from NeMo 1.0, on purpose: ``"dimension"``, ``"sequence"`` and ``"fg"`` are
        accepted too (NeMo rejected them although they name kinds); every label NeMo accepted
        still maps to the same kind, including NeMo's named time axes (``"T_text"``,
        ``"T_spec"``: any ``t_<name>``) and ``"seq"``.
        """
        if not isinstance(label, str):
            raise TypeError(
                f"an axis label must be a string such as 'B' or 'time', got {type(label).__name__}"
            )
        normalized = label.strip().lower()
        kind = _LABELS.get(normalized)
        if kind is None and len(normalized) > 2 and normalized.startswith("t_"):
            kind = AxisKind.Time
        if kind is None:
            raise ValueError(
                f"unknown axis label {label!r}; use one of {', '.join(sorted(_LABELS))} "
                "(or t_<name> for a named time axis), or an AxisType"
            )
        return kind


_LABELS: dict[str, AxisKind] = {
    "b": AxisKind.Batch,
    "n": AxisKind.Batch,
    "batch": AxisKind.Batch,
    "t": AxisKind.Time,
    "time": AxisKind.Time,
    "d": AxisKind.Dimension,
    "c": AxisKind.Dimension,
    "channel": AxisKind.Dimension,
    "dimension": AxisKind.Dimension,
    "w": AxisKind.Width,
    "width": AxisKind.Width,
    "h": AxisKind.Height,
    "height": AxisKind.Height,
    "s": AxisKind.Singleton,
    "singleton": AxisKind.Singleton,
    "seq": AxisKind.Sequence,
    "sequence": AxisKind.Sequence,
    "flowgroup": AxisKind.FlowGroup,
    "fg": AxisKind.FlowGroup,
    "any": AxisKind.Any,
}


class AxisType:
    """One axis of a neural type: its kind, optionally its size, and whether it is a list axis.

    A *list* axis is a Python-list dimension in front of the tensor axes (e.g. a batch of
    variable-length tensors), which is why it can have no fixed size. Axis types are immutable
    values: they compare and hash by kind, size and list flag, so they can be shared and cached.
    """

    __slots__ = ("_is_list", "_kind", "_size")

    def __init__(
        self, kind: AxisKindAbstract | str, size: int | None = None, is_list: bool = False
    ) -> None:
        if isinstance(kind, str):
            kind = AxisKind.from_str(kind)
        elif not isinstance(kind, AxisKindAbstract):
            raise TypeError(
                f"AxisType kind must be an AxisKind (or an AxisKindAbstract subclass member) or "
                f"a label such as 'B', got {kind!r}"
            )
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise ValueError(f"AxisType size must be a non-negative int or None, got {size!r}")
        if size is not None and is_list:
            raise ValueError(
                f"AxisType({kind!r}, size={size}, is_list=True): a list axis cannot have a fixed "
                "size; drop size or is_list"
            )
        self._kind = kind
        self._size = size
        self._is_list = bool(is_list)

    @property
    def kind(self) -> AxisKindAbstract:
        return self._kind

    @property
    def size(self) -> int | None:
        return self._size

    @property
    def is_list(self) -> bool:
        return self._is_list

    def __repr__(self) -> str:
        text = str(self._kind) if self._size is None else f"{self._kind}:{self._size}"
        return f"{text}_listdim" if self._is_list else text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AxisType):
            return NotImplemented
        return (self._kind, self._size, self._is_list) == (other._kind, other._size, other._is_list)

    def __hash__(self) -> int:
        return hash((self._kind, self._size, self._is_list))
