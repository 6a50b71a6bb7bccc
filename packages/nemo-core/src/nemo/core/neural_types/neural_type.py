"""NeuralType: axes plus element type, and how two of them are compared."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from nemo.core.neural_types.axes import AxisKind, AxisType
from nemo.core.neural_types.comparison import NeuralTypeComparisonResult
from nemo.core.neural_types.elements import ElementType, VoidType
from nemo.core.neural_types.errors import NeuralPortNmTensorMismatchError

__all__ = ["NeuralType"]

_Result = NeuralTypeComparisonResult
_ACCEPTED = (_Result.SAME, _Result.GREATER)

# Axis codes of the comparison, as in NeMo.
_AXES_SAME, _AXES_TRANSPOSED, _AXES_DIM_INCOMPATIBLE, _AXES_DIFFERENT = 0, 1, 2, 3

# Parsed axes and a small int naming their structure, keyed by what the caller wrote: modules
# build their types on every call (their input_types are properties), so parsing ('B', 'T')
# again, or hashing the parsed AxisTypes to find a comparison, each time would dominate
# @typecheck.
_PARSED_AXES: dict[tuple[Any, ...], tuple[tuple[AxisType, ...], int]] = {}
_AXES_KEYS: dict[tuple[AxisType, ...], int] = {}
_NO_AXES_KEY = -1

# Structural key -> small int, and (int, int) -> comparison result. A comparison is a pure
# function of the two types' structure, so it is computed once per pair of structures.
_STRUCTURE_IDS: dict[Hashable, int] = {}
_NEXT_ID = itertools.count()
_COMPARISONS: dict[int, NeuralTypeComparisonResult] = {}
_NOT_CACHEABLE = -1
# Element types whose compare() depends only on their class, type_parameters and fields; a
# plugin's type that overrides compare() may look at anything, so its results are not cached.
_PURE_COMPARES: frozenset[Callable[..., Any]] = frozenset({ElementType.compare, VoidType.compare})
# Element classes known to be ElementType subclasses (an ABC isinstance check costs more than
# the rest of a NeuralType's construction), and whether each is "plain": a pure compare() and
# ElementType's own (empty) type_parameters and fields, so its structure is its class alone.
_ELEMENT_CLASSES: set[type] = set()
_PLAIN_ELEMENT_CLASSES: dict[type, bool] = {}


class NeuralType:
    """The type of a value passed between modules: its axes and what its elements mean.

    Args:
        axes: ``None`` (any shape), or a tuple of axis labels (``('B', 'T')``) or of
            :class:`AxisType`. List axes (``is_list=True``) must come first.
        elements_type: an :class:`ElementType` instance; ``None`` means :class:`VoidType`.
        optional: whether a typed method may be called without this argument.

    Neural types are immutable values (their attributes are read-only), which is what lets
    comparisons be cached.
    """

    __slots__ = ("_axes", "_axes_key", "_elements_type", "_id", "_optional", "_rank")

    def __init__(
        self,
        axes: Sequence[str | AxisType] | None = None,
        elements_type: ElementType | None = None,
        optional: bool = False,
    ) -> None:
        if elements_type is None:
            elements_type = VoidType()
        elif type(elements_type) in _ELEMENT_CLASSES:
            pass
        elif isinstance(elements_type, ElementType):
            _ELEMENT_CLASSES.add(type(elements_type))
        else:
            hint = (
                f"; instantiate it: {elements_type.__name__}()"
                if isinstance(elements_type, type) and issubclass(elements_type, ElementType)
                else ""
            )
            raise ValueError(
                f"NeuralType elements_type must be an ElementType instance, got "
                f"{elements_type!r}{hint}"
            )
        self._axes, self._axes_key = _normalize_axes(axes)
        self._elements_type = elements_type
        self._optional = bool(optional)
        self._rank = None if self._axes is None else len(self._axes)
        self._id: int | None = None

    @property
    def axes(self) -> tuple[AxisType, ...] | None:
        return self._axes

    @property
    def elements_type(self) -> ElementType:
        return self._elements_type

    @property
    def optional(self) -> bool:
        return self._optional

    def __str__(self) -> str:
        return f"axes: {self._axes}; elements_type: {type(self._elements_type).__name__}"

    def __repr__(self) -> str:
        optional = ", optional=True" if self._optional else ""
        return (
            f"NeuralType(axis={self._axes}, "
            f"element_type={type(self._elements_type).__name__}{optional})"
        )

    def __eq__(self, other: object) -> bool:
        # Decision (NeMo quirk fixed): NeMo's __eq__ returned the comparison Enum, which is
        # always truthy, so `assert a == b` could never fail. Here `==` is a real bool, True when
        # each type accepts the other exactly (SAME both ways): symmetric, as == should be.
        # Parameter wildcards (AudioSignal() vs AudioSignal(16000)) are equal, like in compare().
        if not isinstance(other, NeuralType):
            return NotImplemented
        return self.compare(other) is _Result.SAME and other.compare(self) is _Result.SAME

    def __hash__(self) -> int:
        # Equal types always have the same rank, and nothing finer is shared by every pair that
        # compares SAME both ways (VoidType and parameter wildcards match across values).
        return hash(self._rank)

    def compare(self, second: NeuralType) -> NeuralTypeComparisonResult:
        """How ``second`` (the received type) relates to ``self`` (the expected type)."""
        if not isinstance(second, NeuralType):
            raise TypeError(
                f"a NeuralType can only be compared with a NeuralType, got {second!r}; compare "
                "with the value's .neural_type"
            )
        first_id = self._id if self._id is not None else self._structure_id()
        second_id = second._id if second._id is not None else second._structure_id()
        if _NOT_CACHEABLE in (first_id, second_id):
            return self._compare_uncached(second)
        key = (first_id << 32) | second_id
        result = _COMPARISONS.get(key)
        if result is None:
            result = _COMPARISONS[key] = self._compare_uncached(second)
        return result

    def compare_and_raise_error(
        self, parent_type_name: str, port_name: str, second_object: NeuralType
    ) -> None:
        """Raise :class:`NeuralPortNmTensorMismatchError` unless ``second_object`` is accepted."""
        result = self.compare(second_object)
        if result not in _ACCEPTED:
            raise NeuralPortNmTensorMismatchError(
                parent_type_name, port_name, self, second_object, result
            )

    def _structure_id(self) -> int:
        element = self._elements_type
        element_class = type(element)
        identifier = _NOT_CACHEABLE
        plain = _PLAIN_ELEMENT_CLASSES.get(element_class)
        if plain is None:
            plain = _PLAIN_ELEMENT_CLASSES[element_class] = _is_plain(element_class)
        if plain:
            key: Hashable = (type(self), self._axes_key, element_class)
        elif element_class.compare in _PURE_COMPARES:
            key = (
                type(self),
                self._axes_key,
                element_class,
                tuple(element.type_parameters.items()),
                element.fields,
            )
        else:
            self._id = identifier
            return identifier
        try:
            identifier = _STRUCTURE_IDS.get(key, _NOT_CACHEABLE)
            if identifier == _NOT_CACHEABLE:
                identifier = _STRUCTURE_IDS.setdefault(key, next(_NEXT_ID))
        except TypeError:  # an unhashable parameter or field: compare every time
            identifier = _NOT_CACHEABLE
        self._id = identifier
        return identifier

    def _compare_uncached(self, second: NeuralType) -> NeuralTypeComparisonResult:
        if self._axes is None:
            if isinstance(self._elements_type, VoidType):
                return _Result.SAME
            if second._axes is None:
                return self._elements_type.compare(second._elements_type)
            return _Result.INCOMPATIBLE
        axes = _compare_axes(self._axes, second._axes)
        elements = self._elements_type.compare(second._elements_type)
        if axes == _AXES_SAME:
            return elements
        if axes == _AXES_TRANSPOSED:
            return _Result.TRANSPOSE_SAME if elements is _Result.SAME else _Result.INCOMPATIBLE
        if axes == _AXES_DIM_INCOMPATIBLE:
            return _Result.DIM_INCOMPATIBLE if elements is _Result.SAME else _Result.INCOMPATIBLE
        return _Result.INCOMPATIBLE


def _compare_axes(expected: tuple[AxisType, ...], received: tuple[AxisType, ...] | None) -> int:
    if received is None or len(expected) != len(received):
        return _AXES_DIFFERENT
    # Decision (NeMo quirk fixed): NeMo set its "same" flag back to True at every `Any` axis, so
    # ('B', 'T', 'Any') accepted ('T', 'B', 'C'). An `Any` axis here matches only its own
    # position; a mismatch elsewhere still counts.
    same = all(
        mine.kind is AxisKind.Any
        or (
            mine.kind == theirs.kind
            and mine.is_list == theirs.is_list
            and (mine.size is None or mine.size == theirs.size)
        )
        for mine, theirs in zip(expected, received, strict=True)
    )
    if same:
        return _AXES_SAME
    expected_sizes = {axis.kind: axis.size for axis in expected}
    received_sizes = {axis.kind: axis.size for axis in received}
    if expected_sizes.keys() != received_sizes.keys():
        return _AXES_DIFFERENT
    # A size of None on the expected side is a wildcard here too, as in the positional check.
    if any(
        size is not None and size != received_sizes[kind] for kind, size in expected_sizes.items()
    ):
        return _AXES_DIM_INCOMPATIBLE
    return _AXES_TRANSPOSED


def _is_plain(element_class: type) -> bool:
    """Whether an element class's structure is its class alone (see _PLAIN_ELEMENT_CLASSES).

    Looked up once per class: a class whose type_parameters or fields are patched after its
    first comparison keeps its first verdict.
    """
    defaults = ElementType.__dict__
    return (
        element_class.compare in _PURE_COMPARES  # type: ignore[attr-defined]
        and getattr(element_class, "type_parameters", None) is defaults["type_parameters"]
        and getattr(element_class, "fields", None) is defaults["fields"]
    )


def _normalize_axes(
    axes: Sequence[str | AxisType] | None,
) -> tuple[tuple[AxisType, ...] | None, int]:
    """The parsed axes and the int naming their structure (equal axes, equal ints)."""
    if axes is None:
        return None, _NO_AXES_KEY
    if isinstance(axes, tuple):
        try:
            cached = _PARSED_AXES.get(axes)
        except TypeError:  # an unhashable item: _parse_axes names it
            cached = None
        if cached is not None:
            return cached
    parsed = _parse_axes(axes)
    result = parsed, _AXES_KEYS.setdefault(parsed, len(_AXES_KEYS))
    if isinstance(axes, tuple):
        _PARSED_AXES[axes] = result
    return result


def _parse_axes(axes: Sequence[str | AxisType]) -> tuple[AxisType, ...]:
    if isinstance(axes, str) or not isinstance(axes, (tuple, list)):
        raise ValueError(
            f"NeuralType axes must be a tuple of labels such as ('B', 'T') or of AxisType, "
            f"got {axes!r}"
        )
    if all(isinstance(axis, str) for axis in axes):
        parsed = tuple(AxisType(AxisKind.from_str(str(axis))) for axis in axes)
    elif all(isinstance(axis, AxisType) for axis in axes):
        parsed = tuple(axis for axis in axes if isinstance(axis, AxisType))
    else:
        raise ValueError(
            f"NeuralType axes {axes!r} mix labels and other objects; give all labels "
            "('B', 'T') or all AxisType"
        )
    seen_tensor_axis = False
    for axis in parsed:
        if axis.is_list and seen_tensor_axis:
            raise ValueError(
                f"NeuralType axes {parsed!r}: list axes must come before the tensor axes; "
                "move the is_list=True axes to the front"
            )
        seen_tensor_axis = seen_tensor_axis or not axis.is_list
    return parsed
