"""Checking a config against its structured-config dataclass, reporting every problem at once.

OmegaConf stops at the first bad key when it merges a config onto a dataclass, so a user with a
typo, a wrong type and a forgotten value fixes them one crashed run at a time. Here the config
is merged key by key: each unknown key, each value of the wrong type and each required value
(``???``) still missing becomes one :class:`~nemo.utils.exceptions.ConfigProblem`, and they are
raised together in one :class:`~nemo.utils.exceptions.ConfigValidationError`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from nemo.utils._suggest import close_matches
from nemo.utils.exceptions import ConfigProblem, ConfigValidationError

__all__ = ["declared_dataclass", "find_missing", "validate_config"]


def validate_config(config: Any, schema: Any, *, what: str) -> DictConfig:
    """``config`` merged onto the defaults of ``schema`` (a dataclass), as a typed DictConfig.

    :param config: a DictConfig, a mapping or ``None`` (the schema's defaults alone).
    :param what: names the config in the error message (``"exp_manager config"``).
    :raises ConfigValidationError: listing every unknown key, type mismatch and missing value.
    """
    if not dataclasses.is_dataclass(schema):
        raise TypeError(
            f"{what}: the schema must be a dataclass (class or instance), got "
            f"{type(schema).__name__}"
        )
    if config is None:
        source: dict[str, Any] = {}
    elif isinstance(config, DictConfig):
        # resolved here, where the node still sees its root: `name: ${name}` in exp_manager
        source = typing.cast(dict[str, Any], OmegaConf.to_container(config, resolve=True))
    elif isinstance(config, Mapping):
        source = dict(config)
    else:
        raise ValueError(
            f"{what} must be a DictConfig or a dict, got {type(config).__name__}: {config!r}"
        )
    result: DictConfig = OmegaConf.structured(schema)
    problems: list[ConfigProblem] = []
    _merge(result, source, "", problems)
    problems += _missing_problems(result)
    if problems:
        raise ConfigValidationError(what, problems)
    OmegaConf.set_struct(result, True)
    return result


def find_missing(config: Any, *, what: str) -> None:
    """Raise one error naming every required value (``???``) that ``config`` still lacks."""
    problems = _missing_problems(config)
    if problems:
        raise ConfigValidationError(what, problems)


def _missing_problems(config: Any) -> list[ConfigProblem]:
    return [
        ConfigProblem(
            key,
            "required value missing (???)",
            f"set it in the config file or on the command line: {key}=<value>",
        )
        for key in sorted(OmegaConf.missing_keys(config))
    ]


def _merge(target: DictConfig, source: Mapping[Any, Any], prefix: str, problems: list[Any]) -> None:
    """Assign ``source`` into ``target`` key by key; record what does not fit and go on."""
    structured = _dataclass_of(target)
    for key, value in source.items():
        path = f"{prefix}{key}"
        # ``key in target`` is False for a key whose value is ??? : ask the keys themselves.
        if structured is not None and key not in target.keys():  # noqa: SIM118
            problems.append(_unknown_key(path, key, target))
            continue
        if isinstance(value, Mapping) and _descend(target, key, structured):
            _merge(target[key], value, f"{path}.", problems)
            continue
        try:
            target[key] = value
        except OmegaConfBaseException as exc:
            problems.append(_type_mismatch(path, key, value, structured, exc))


def _descend(target: DictConfig, key: Any, structured: type | None) -> bool:
    """Whether ``target[key]`` is (or can become) a config node to merge a mapping into."""
    if key in target.keys() and not OmegaConf.is_missing(target, key):  # noqa: SIM118
        if isinstance(target[key], DictConfig):
            return True
        if target[key] is not None:
            return False
    declared = declared_dataclass(structured, key)
    if declared is None:
        return False
    target[key] = OmegaConf.structured(declared)
    return True


def _dataclass_of(node: DictConfig) -> type | None:
    node_type = OmegaConf.get_type(node)
    return (
        node_type if isinstance(node_type, type) and dataclasses.is_dataclass(node_type) else None
    )


def _field_type(structured: type | None, key: Any) -> Any:
    if structured is None:
        return None
    try:
        return typing.get_type_hints(structured).get(key)
    except (NameError, TypeError):  # a dataclass defined where its annotations cannot resolve
        return None


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        return arguments[0] if len(arguments) == 1 else annotation
    return annotation


def declared_dataclass(structured: type | None, key: Any) -> type | None:
    """The dataclass a field of ``structured`` holds (``X`` or ``X | None``), else ``None``."""
    annotation = _unwrap_optional(_field_type(structured, key))
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return annotation
    return None


def _type_name(annotation: Any) -> str:
    annotation = _unwrap_optional(annotation)
    if annotation is None:
        return "value"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _unknown_key(path: str, key: Any, target: DictConfig) -> ConfigProblem:
    known = [str(k) for k in target]
    close = close_matches(str(key), known, n=1)
    parent = path.rpartition(".")[0]
    hint = f"did you mean {(parent + '.' if parent else '') + close[0]!r}? " if close else ""
    return ConfigProblem(
        path,
        "unknown key",
        f"{hint}remove it (on the command line: ~{path}) or use one of: {', '.join(known)}",
    )


def _type_mismatch(
    path: str, key: Any, value: Any, structured: type | None, exc: OmegaConfBaseException
) -> ConfigProblem:
    expected = _type_name(_field_type(structured, key))
    reason = (getattr(exc, "msg", None) or str(exc)).splitlines()[0]
    return ConfigProblem(
        path,
        f"{value!r} is not a valid {expected} ({reason})",
        f"give {_article(expected)} {expected} value, e.g. on the command line: "
        f"{path}=<{expected}>",
    )


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
