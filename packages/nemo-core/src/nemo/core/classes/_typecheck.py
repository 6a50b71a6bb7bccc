"""``@typecheck()``: run-time checks of the neural types of a method's inputs and outputs.

A class derives from :class:`Typing` and declares ``input_types`` / ``output_types`` (usually as
properties, which may depend on the instance's mode); a method decorated with ``@typecheck()``
then

* takes keyword arguments only (when input types are declared),
* checks each argument: its name is declared, its ``neural_type`` (if it has one) is accepted by
  the declared type (SAME or GREATER), its rank matches the declared axes, and container values
  are nested as deep as the declaration (``[[NeuralType(...)]]`` is a list of lists),
* checks each output's rank and attaches the declared type to it as ``neural_type``.

Switches (process-wide, not per thread, as in NeMo):

* ``NEMO_TYPECHECK=0`` when this module is imported: the decorator returns methods unchanged, so
  checks cost nothing at all; ``NEMO_TYPECHECK=rank``: rank checks only (no semantic checks).
* :meth:`typecheck.set_typecheck_enabled` / :meth:`typecheck.disable_checks`: at run time the
  wrapper is then one flag test and the call.
* :meth:`typecheck.set_semantic_checks_enabled` / :meth:`typecheck.disable_semantic_checks`: keep
  rank, name and nesting checks, skip the element-type comparisons.
"""

from __future__ import annotations

import contextlib
import functools
import os
import warnings
from abc import ABC
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import Any, TypeAlias, TypeVar, cast

from nemo.core._env import FALSY, TRUTHY
from nemo.core.neural_types import NeuralType, NeuralTypeComparisonResult
from nemo.core.neural_types.errors import describe_mismatch, describe_neural_type

__all__ = ["TypeSpec", "Typing", "is_typecheck_enabled", "typecheck"]

# A declared type: a NeuralType, or a one-element list nesting one (a container of that type).
TypeSpec: TypeAlias = "NeuralType | Sequence[TypeSpec]"

_F = TypeVar("_F", bound=Callable[..., Any])

_SAME = NeuralTypeComparisonResult.SAME
_GREATER = NeuralTypeComparisonResult.GREATER
_ENV_VAR = "NEMO_TYPECHECK"
# value of NEMO_TYPECHECK -> (checks enabled, semantic checks enabled)
_ENV_MODES: dict[str, tuple[bool, bool]] = {
    "": (True, True),
    "full": (True, True),
    "rank": (True, False),
    **dict.fromkeys(TRUTHY, (True, True)),
    **dict.fromkeys(FALSY, (False, True)),
}


def _mode_from_environment() -> tuple[bool, bool]:
    raw = os.environ.get(_ENV_VAR, "")
    mode = _ENV_MODES.get(raw.strip().lower())
    if mode is None:
        raise ValueError(
            f"{_ENV_VAR}={raw!r} is not understood; set it to 1 (all checks), rank (rank checks "
            "only) or 0 (no checks), or unset it"
        )
    return mode


_enabled, _semantic = _mode_from_environment()
_OFF_AT_IMPORT = not _enabled

# Classes already verified to be Typing subclasses without NeMo 0.x ports: one set lookup per
# call instead of an ABC isinstance check and two hasattr probes.
_TYPED_CLASSES: set[type] = set()


def is_typecheck_enabled() -> bool:
    """Whether ``@typecheck()`` methods check their types now."""
    return _enabled


def _set_enabled(enabled: bool) -> None:
    global _enabled
    _enabled = bool(enabled) and not _OFF_AT_IMPORT


def _set_semantic(enabled: bool) -> None:
    global _semantic
    _semantic = bool(enabled)


class Typing(ABC):  # noqa: B024 - a mixin whose members all have defaults
    """Base of the classes whose methods ``@typecheck()`` checks: they declare their types.

    Override the properties; ``None`` (the default) means "not checked". Properties are read on
    every call, so they may depend on the instance's state (e.g. training vs evaluation).
    """

    @property
    def input_types(self) -> Mapping[str, TypeSpec] | None:
        """Declared types of the typed methods' keyword arguments."""
        return None

    @property
    def output_types(self) -> Mapping[str, TypeSpec] | None:
        """Declared types of the typed methods' results, in the order they are returned."""
        return None


class typecheck:  # NeMo's name, lower case
    """Decorator (use it with parentheses) that checks a :class:`Typing` method's neural types.

    Args:
        input_types: this method's input types, instead of the instance's ``input_types``.
        output_types: this method's output types, instead of the instance's ``output_types``.
        ignore_collections: skip the nesting-depth checks of list/tuple values.
    """

    class TypeState(Enum):
        """Marks a decorator argument that was not given (``None`` means "no types")."""

        UNINITIALIZED = 0

    def __init__(
        self,
        input_types: TypeState | Mapping[str, TypeSpec] | None = TypeState.UNINITIALIZED,
        output_types: TypeState | Mapping[str, TypeSpec] | None = TypeState.UNINITIALIZED,
        ignore_collections: bool = False,
    ) -> None:
        if callable(input_types) and not isinstance(input_types, Mapping):
            raise TypeError(
                f"@typecheck was applied to {getattr(input_types, '__name__', input_types)!r} "
                "without parentheses; write @typecheck()"
            )
        for label, types in (("input_types", input_types), ("output_types", output_types)):
            if not (
                types is None
                or types is typecheck.TypeState.UNINITIALIZED
                or isinstance(types, Mapping)
            ):
                raise TypeError(
                    f"typecheck({label}=...) must be a dict of argument name -> NeuralType or "
                    f"None, got {type(types).__name__}"
                )
        self.input_types = input_types
        self.output_types = output_types
        self.input_override = input_types is not typecheck.TypeState.UNINITIALIZED
        self.output_override = output_types is not typecheck.TypeState.UNINITIALIZED
        self.ignore_collections = bool(ignore_collections)

    def __call__(self, wrapped: _F) -> _F:
        if _OFF_AT_IMPORT:  # NEMO_TYPECHECK=0: no wrapper at all, hence no cost
            return wrapped
        if not callable(wrapped):
            raise TypeError(f"@typecheck() decorates methods, not {type(wrapped).__name__}")
        unset = typecheck.TypeState.UNINITIALIZED
        input_override = self.input_types
        output_override = self.output_types
        ignore = self.ignore_collections

        @functools.wraps(wrapped)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not _enabled:
                return wrapped(*args, **kwargs)
            instance: Any = args[0] if args else None
            if type(instance) not in _TYPED_CLASSES:
                _require_typing_instance(instance, wrapped)
            input_types = instance.input_types if input_override is unset else input_override
            output_types = instance.output_types if output_override is unset else output_override
            if input_types is not None:
                if len(args) > 1:
                    raise TypeError(
                        f"{_where(instance, wrapped)}: typed methods take keyword arguments only, "
                        f"got {len(args) - 1} positional; call it as "
                        f"{wrapped.__name__}({', '.join(f'{name}=...' for name in input_types)})"
                    )
                _check_inputs(instance, wrapped, input_types, kwargs, ignore)
            elif output_types is None:
                return wrapped(*args, **kwargs)
            result = wrapped(*args, **kwargs)
            if output_types is not None:
                _attach_outputs(instance, wrapped, output_types, result, ignore)
            return result

        return cast(_F, wrapper)

    @staticmethod
    def set_typecheck_enabled(enabled: bool = True) -> None:
        """Turn all ``@typecheck()`` checks on or off, process-wide.

        Methods decorated while ``NEMO_TYPECHECK=0`` have no wrapper, so they cannot be turned on:
        enabling then warns and changes nothing.
        """
        if enabled and _OFF_AT_IMPORT:
            warnings.warn(
                f"typecheck cannot be enabled: {_ENV_VAR}=0 was set when nemo.core.classes was "
                f"imported, so typed methods were left unwrapped; unset {_ENV_VAR} before "
                "starting Python to check types",
                RuntimeWarning,
                stacklevel=2,
            )
        _set_enabled(enabled)

    @staticmethod
    @contextmanager
    def disable_checks() -> Iterator[None]:
        """Run a block with all checks off, then restore the previous state.

        Fix of a NeMo quirk: NeMo re-enabled checks on exit, even if they had been off before
        (e.g. nested blocks, or a global disable).
        """
        previous = _enabled
        _set_enabled(False)
        try:
            yield
        finally:
            _set_enabled(previous)

    @staticmethod
    def set_semantic_checks_enabled(enabled: bool = True) -> None:
        """Turn the element-type comparisons on or off; names, ranks and nesting stay checked."""
        _set_semantic(enabled)

    @staticmethod
    @contextmanager
    def disable_semantic_checks() -> Iterator[None]:
        """Run a block with rank checks only, then restore the previous state."""
        previous = _semantic
        _set_semantic(False)
        try:
            yield
        finally:
            _set_semantic(previous)


def _where(instance: object, method: Callable[..., Any]) -> str:
    return f"{type(instance).__qualname__}.{getattr(method, '__name__', method)}"


def _require_typing_instance(instance: object, method: Callable[..., Any]) -> None:
    if not isinstance(instance, Typing):
        raise RuntimeError(
            f"@typecheck() on {getattr(method, '__qualname__', method)!r} needs a method of a "
            f"Typing subclass, but it was called on {type(instance).__name__}; derive the class "
            "from nemo.core.classes.Typing (NeuralModule, ModelPT, Loss and Dataset do)"
        )
    # Checked on the class only: NeMo 0.x declared ports as class properties.
    cls = type(instance)
    for legacy in ("input_ports", "output_ports"):
        if hasattr(cls, legacy):
            raise RuntimeError(
                f"{cls.__qualname__} defines {legacy!r}, the NeMo 0.x API; rename input_ports / "
                "output_ports to input_types / output_types"
            )
    _TYPED_CLASSES.add(cls)


def _label(name: str, path: tuple[int, ...]) -> str:
    return repr(name) + "".join(f"[{index}]" for index in path)


def _unwrap(
    instance: object, method: Callable[..., Any], kind: str, name: str, declared: object
) -> tuple[NeuralType, int]:
    """The NeuralType inside a (possibly nested) declaration, and how deep it is nested."""
    spec = declared
    depth = 0
    while isinstance(spec, list):
        if len(spec) != 1:
            raise TypeError(
                f"{_where(instance, method)}: {kind}_types[{name!r}] is a list of {len(spec)} "
                "items; a container type holds exactly one NeuralType, e.g. "
                "[NeuralType(('B', 'T'), AudioSignal())]"
            )
        spec = spec[0]
        depth += 1
    if not isinstance(spec, NeuralType):
        raise TypeError(
            f"{_where(instance, method)}: {kind}_types[{name!r}] must be a NeuralType or a "
            f"one-element list nesting one, got {spec!r}"
        )
    return spec, depth


def _check_inputs(
    instance: object,
    method: Callable[..., Any],
    types: Mapping[str, Any],
    kwargs: dict[str, Any],
    ignore_collections: bool,
) -> None:
    for name, value in kwargs.items():
        declared = types.get(name)
        if declared is None:
            raise TypeError(
                f"{_where(instance, method)}: argument {name!r} is not declared in input_types "
                f"(declared: {', '.join(types) or 'none'}); fix its name or declare it"
            )
        if type(declared) is NeuralType and not isinstance(value, (list, tuple)):
            _check_value(instance, method, "input", name, (), declared, value)
        else:
            base, depth = _unwrap(instance, method, "input", name, declared)
            _walk(instance, method, "input", name, (), base, depth, value, 0, ignore_collections)
    if len(kwargs) < len(types):  # after the names: a misspelt name is the better message
        _check_mandatory_inputs(instance, method, types, kwargs)


def _check_mandatory_inputs(
    instance: object, method: Callable[..., Any], types: Mapping[str, Any], kwargs: dict[str, Any]
) -> None:
    missing = [
        name
        for name, declared in types.items()
        if name not in kwargs and not _unwrap(instance, method, "input", name, declared)[0].optional
    ]
    if missing:
        raise TypeError(
            f"{_where(instance, method)}: missing mandatory argument(s) "
            f"{', '.join(map(repr, missing))}; pass them by keyword, or declare them with "
            "NeuralType(..., optional=True)"
        )


def _check_value(
    instance: object,
    method: Callable[..., Any],
    kind: str,
    name: str,
    path: tuple[int, ...],
    declared: NeuralType,
    value: Any,
) -> None:
    """The checks of one leaf value: its neural type (inputs only) and its rank."""
    received = getattr(value, "neural_type", None)
    if received is not None and _semantic and kind == "input":
        result = declared.compare(received)
        if result is not _SAME and result is not _GREATER:
            raise TypeError(
                f"{_where(instance, method)}: {kind} {_label(name, path)}: "
                f"{describe_mismatch(declared, received, result)}; pass a value of the "
                f"expected type or change the declared {kind}_types"
            )
    axes = declared.axes
    if axes is not None:
        shape = getattr(value, "shape", None)
        if shape is not None and len(shape) != len(axes):
            what = "" if received is None else f" of type {describe_neural_type(received)}"
            raise TypeError(
                f"{_where(instance, method)}: {kind} {_label(name, path)}: expected "
                f"{describe_neural_type(declared)} of rank {len(axes)}, received a value{what} "
                f"of shape {tuple(shape)} (rank {len(shape)}); reshape it or fix the declared "
                f"{kind}_types"
            )


def _attach_outputs(
    instance: object,
    method: Callable[..., Any],
    types: Mapping[str, Any],
    result: Any,
    ignore_collections: bool,
) -> None:
    if len(types) == 1:
        ((name, declared),) = types.items()
        if type(declared) is NeuralType and not isinstance(result, (list, tuple)):
            _walk(instance, method, "output", name, (), declared, 0, result, 0, ignore_collections)
            return
        base, depth = _unwrap(instance, method, "output", name, declared)
        if depth > 0:
            # One container-typed output: a returned list holds its elements, unless the method
            # wrapped that list in a 1-tuple, i.e. `return (items,)`.
            if not isinstance(result, (list, tuple)):
                _walk(
                    instance, method, "output", name, (), base, depth, result, 0, ignore_collections
                )
                return
            start = 0 if type(result) is tuple and len(result) == 1 else 1
            for index, item in enumerate(result):
                _walk(
                    instance,
                    method,
                    "output",
                    name,
                    (index,),
                    base,
                    depth,
                    item,
                    start,
                    ignore_collections,
                )
            return
    items = result if isinstance(result, (list, tuple)) else (result,)
    if len(items) != len(types):
        _check_output_count(instance, method, types, len(items))
    for (name, declared), item in zip(types.items(), items, strict=False):
        base, depth = (
            (declared, 0)
            if type(declared) is NeuralType
            else _unwrap(instance, method, "output", name, declared)
        )
        _walk(instance, method, "output", name, (), base, depth, item, 0, ignore_collections)


def _check_output_count(
    instance: object, method: Callable[..., Any], types: Mapping[str, Any], count: int
) -> None:
    # Decision: trailing outputs declared optional may be left out (later NeMo allows this; 1.0
    # required exactly one value per declared output).
    names = list(types)
    missing = [
        name
        for name in names[count:]
        if not _unwrap(instance, method, "output", name, types[name])[0].optional
    ]
    if count > len(names) or missing:
        raise TypeError(
            f"{_where(instance, method)}: returned {count} value(s) but output_types declares "
            f"{len(names)} ({', '.join(names)}"
            f"{'; mandatory ones missing: ' + ', '.join(missing) if missing else ''}); return "
            "one value per declared output, in order"
        )


def _walk(
    instance: object,
    method: Callable[..., Any],
    kind: str,
    name: str,
    path: tuple[int, ...],
    declared: NeuralType,
    depth: int,
    value: Any,
    level: int,
    ignore_collections: bool,
) -> None:
    """Check each leaf of ``value`` (nested lists and tuples) against ``declared``, which is
    nested ``depth`` levels deep; an output's leaves also get it as their ``neural_type``."""
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _walk(
                instance,
                method,
                kind,
                name,
                (*path, index),
                declared,
                depth,
                item,
                level + 1,
                ignore_collections,
            )
        return
    if not ignore_collections and level != depth:
        raise TypeError(
            f"{_where(instance, method)}: {kind} {_label(name, path)} is nested {level} level(s) "
            f"deep, but its declared type is nested {depth} level(s) deep (one list per level); "
            "match the nesting, or use @typecheck(ignore_collections=True)"
        )
    _check_value(instance, method, kind, name, path, declared, value)
    if kind == "output":
        with contextlib.suppress(AttributeError, TypeError):  # None, ints...: nothing to attach to
            value.neural_type = declared
