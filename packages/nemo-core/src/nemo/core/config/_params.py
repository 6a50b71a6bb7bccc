"""Building params dataclasses from user overrides, with errors that name the culprit.

NeMo validated overrides by merging them into an OmegaConf structured config, so an unknown key
raised ``omegaconf.errors.ConfigKeyError``. :class:`UnknownArgumentError` keeps that base class
(and ``TypeError``, what Python raises for an unexpected keyword) while saying which argument is
wrong, which dataclass it was checked against and what the valid names are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from omegaconf import MISSING
from omegaconf.errors import ConfigKeyError

__all__ = [
    "MISSING",
    "MissingArgumentError",
    "ParamsView",
    "UnknownArgumentError",
    "accepted_arguments",
    "build_params",
    "check_arguments",
    "params_to_kwargs",
]


class UnknownArgumentError(ConfigKeyError, TypeError):
    """An override names a field that the params dataclass (or the class) does not have."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return self.message


class MissingArgumentError(ValueError):
    """A required argument was left MISSING (``'???'``) in the config and its params."""


def _field_names(params_cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(params_cls) if f.init]


def _describe(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def accepted_arguments(target: Any) -> set[str] | None:
    """The keyword arguments ``target`` (a class or a factory) accepts; None if it takes any.

    A constructor with ``**kwargs`` usually hands them to its base class (NeMo's schedulers do),
    so the base classes' constructors are read too, up to the first one without ``**kwargs``.
    """
    import inspect

    inits = (
        [
            klass.__dict__["__init__"]
            for klass in inspect.getmro(target)
            if "__init__" in klass.__dict__
        ]
        if isinstance(target, type)
        else [target]
    )
    names: set[str] = set()
    for init in inits:
        try:
            parameters = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):  # builtins without a signature: cannot check
            return None
        keywords = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        names.update(p.name for p in parameters if p.kind in keywords)
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            return names - {"self"}
    return None


def check_arguments(
    target: Any, arguments: Mapping[str, Any], *, params_cls: Any, purpose: str
) -> None:
    """Fail before construction when an argument is unknown to ``target`` or left MISSING.

    The message names the argument, the params dataclass and the valid names, so a typo in a
    YAML file is found without reading a traceback from inside torch.
    """
    accepted = accepted_arguments(target)
    reference = getattr(params_cls, "__name__", None) or _describe(target)
    if accepted is not None:
        unknown = [key for key in arguments if key not in accepted]
        if unknown:
            valid = sorted(accepted - {"params", "optimizer"}, key=str.casefold)
            raise UnknownArgumentError(
                f"{purpose}: unknown argument(s) {', '.join(repr(k) for k in unknown)} "
                f"(checked against {reference} and {_describe(target)}). Valid arguments: "
                f"{', '.join(valid)}. Remove or rename them."
            )
    missing = [
        key for key, value in arguments.items() if isinstance(value, str) and value == MISSING
    ]
    if missing:
        raise MissingArgumentError(
            f"{purpose}: argument(s) {', '.join(repr(k) for k in missing)} are required "
            f"(MISSING, '???', in {reference}); set them in the config"
        )


def build_params(params_cls: Any, overrides: Mapping[str, Any], *, purpose: str) -> Any:
    """``params_cls(**overrides)`` after checking every key is one of its fields.

    ``purpose`` names what the params are for (``"optimizer 'novograd'"``) in the error message.
    """
    if not (isinstance(params_cls, type) and dataclasses.is_dataclass(params_cls)):
        raise TypeError(
            f"{purpose}: {params_cls!r} is not a params dataclass; register a dataclass "
            "(e.g. a subclass of nemo.core.config.OptimizerParams or SchedulerParams)"
        )
    if not isinstance(overrides, Mapping):
        raise TypeError(
            f"{purpose}: arguments must be a mapping of name to value, got "
            f"{type(overrides).__name__}"
        )
    known = _field_names(params_cls)
    unknown = [key for key in overrides if key not in known]
    if unknown:
        raise UnknownArgumentError(
            f"{purpose}: unknown argument(s) {', '.join(repr(k) for k in unknown)} for "
            f"{params_cls.__name__}. Valid arguments: {', '.join(known)}. Remove or rename them."
        )
    return params_cls(**dict(overrides))


def params_to_kwargs(params: Any, target: Any = None) -> dict[str, Any]:
    """The dataclass instance's fields as a plain dict (what NeMo got from ``vars(params)``).

    With ``target``, a field that ``target`` does not accept is dropped while it holds its
    default (NeMo 3.0's params predate some torch changes, e.g. ReduceLROnPlateau lost
    ``verbose``); set to anything else, it is kept so that :func:`check_arguments` reports it.
    """
    fields = [f for f in dataclasses.fields(params) if f.init]
    accepted = None if target is None else accepted_arguments(target)
    kwargs = {}
    for field in fields:
        value = getattr(params, field.name)
        if accepted is not None and field.name not in accepted and _is_default(field, value):
            continue
        kwargs[field.name] = value
    return kwargs


def _is_default(field: dataclasses.Field[Any], value: Any) -> bool:
    if field.default is not dataclasses.MISSING:
        return bool(value == field.default)
    if field.default_factory is not dataclasses.MISSING:
        return bool(value == field.default_factory())
    return False


class ParamsView(Mapping[str, Any]):
    """A live mapping from NeMo's params keys to the params dataclasses of a registry.

    Keys are ``<registered name><suffix>`` (``novograd_params``, ``CosineAnnealingParams``),
    plus one key for the base dataclass. Params live on each registration, so a plugin's or a
    run-time registration shows up here without registering its params separately.
    """

    def __init__(self, registry: Any, suffix: str, base_key: str, base_cls: type) -> None:
        self._registry = registry
        self._suffix = suffix
        self._base_key = base_key
        self._base_cls = base_cls

    def _names(self) -> dict[str, str]:
        names = {self._base_key: ""}
        for entry in self._registry.entries():
            if entry.params is not None:
                names[f"{entry.name}{self._suffix}"] = entry.name
        return names

    def __getitem__(self, key: str) -> Any:
        name = self._names().get(key)
        if name is None:
            raise KeyError(key)
        return self._base_cls if name == "" else self._registry.get(name).load_params()

    def __iter__(self) -> Any:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._names()

    def lookup(self, name: str) -> Any:
        """The params dataclass for a key, a registered name or a params class name."""
        from nemo.core.optim._provided import find_registered
        from nemo.core.plugins import UnknownNameError
        from nemo.core.plugins._registry import singular

        if name in self:
            return self[name]
        if name in self._registry:
            params = self._registry.get(name).load_params()
            if params is not None:
                return params
        if name == self._base_cls.__name__:
            return self._base_cls
        found = find_registered(self._registry.kind, name, params=True)
        if found is not None:
            return found
        what = singular(self._registry.kind)
        kind = f"{what} params"
        raise UnknownNameError(
            f"unknown {kind} {name!r}. Available: {', '.join(self)}. Register the "
            f"{what} with its params dataclass, or use one of these names.",
            kind=kind,
            name=name,
        )
