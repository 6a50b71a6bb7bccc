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

__all__ = ["MISSING", "ParamsView", "UnknownArgumentError", "build_params", "params_to_kwargs"]


class UnknownArgumentError(ConfigKeyError, TypeError):
    """An override names a field that the params dataclass (or the class) does not have."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return self.message


def _field_names(params_cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(params_cls) if f.init]


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


def params_to_kwargs(params: Any) -> dict[str, Any]:
    """The dataclass instance's fields as a plain dict (what NeMo got from ``vars(params)``)."""
    return {name: getattr(params, name) for name in _field_names(type(params))}


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
        from nemo.core.plugins import UnknownNameError

        if name in self:
            return self[name]
        if name in self._registry:
            params = self._registry.get(name).load_params()
            if params is not None:
                return params
        for key in self:
            candidate = self[key]
            if getattr(candidate, "__name__", None) == name:
                return candidate
        kind = f"{self._registry.kind[:-1]} params"
        raise UnknownNameError(
            f"unknown {kind} {name!r}. Available: {', '.join(self)}. Register the "
            f"{self._registry.kind[:-1]} with its params dataclass, or use one of these names.",
            kind=kind,
            name=name,
        )
