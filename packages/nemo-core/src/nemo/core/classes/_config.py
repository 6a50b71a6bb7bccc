"""Turning what users pass as a config (DictConfig, dict, dataclass, YAML path) into one form.

Every model and module entry point accepts the same inputs, so they all go through
:func:`to_dictconfig`; Hydra 0.x configs (``cls`` + ``params``) are upgraded on the way, as NeMo
does, so old YAML files keep working.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "as_dictconfig",
    "maybe_update_config_version",
    "plain_dict",
    "resolved_copy",
    "to_dictconfig",
]


def to_dictconfig(config: Any, *, what: str = "config") -> Any:
    """A resolved, version-updated ``DictConfig`` copy of ``config``.

    Accepts what :func:`as_dictconfig` accepts. Interpolations are resolved, so the result no
    longer depends on a parent config.
    """
    return maybe_update_config_version(resolved_copy(as_dictconfig(config, what=what)))


def as_dictconfig(config: Any, *, what: str = "config") -> Any:
    """``config`` as a ``DictConfig``, as it is (unresolved; a ``DictConfig`` is not copied).

    Accepts a ``DictConfig``, a mapping, a dataclass (class or instance) or a path to a YAML
    file; ``what`` names the config in the errors.
    """
    from omegaconf import DictConfig, OmegaConf

    if isinstance(config, (str, os.PathLike)):
        path = Path(config).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"{what}: no YAML file at {str(path)!r}; check the path")
        config = OmegaConf.load(path)
    elif dataclasses.is_dataclass(config):
        config = OmegaConf.structured(config)
    elif isinstance(config, Mapping) and not isinstance(config, DictConfig):
        config = OmegaConf.create(dict(config))
    if not isinstance(config, DictConfig):
        raise ValueError(
            f"{what} must be a DictConfig, a dict, a dataclass or a YAML path, got "
            f"{type(config).__name__}"
        )
    return config


def plain_dict(config: Any, *, what: str) -> dict[str, Any]:
    """A deep, resolved plain-dict copy of a DictConfig, a mapping or a dataclass instance."""
    from omegaconf import DictConfig, OmegaConf

    if isinstance(config, DictConfig):
        container = OmegaConf.to_container(config, resolve=True)
        assert isinstance(container, dict)
        return {str(key): value for key, value in container.items()}
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return {f.name: copy.deepcopy(getattr(config, f.name)) for f in dataclasses.fields(config)}
    if not isinstance(config, Mapping):
        raise TypeError(
            f"{what} must be a mapping (a dict or DictConfig), got {type(config).__name__}"
        )
    return {str(key): copy.deepcopy(value) for key, value in config.items()}


def resolved_copy(config: Any) -> Any:
    """A plain (non-structured) copy of ``config`` with every interpolation resolved."""
    from omegaconf import OmegaConf

    return OmegaConf.create(OmegaConf.to_container(config, resolve=True))


def maybe_update_config_version(config: Any) -> Any:
    """Upgrade Hydra 0.x keys in place on a copy: ``cls`` → ``_target_``, ``params`` hoisted.

    Applied recursively, as NeMo does, so nested module configs are upgraded too. A config
    that uses neither key is returned unchanged (as a copy).
    """
    from omegaconf import DictConfig, ListConfig, OmegaConf

    def upgrade(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: upgrade(value) for key, value in node.items()}
            if "cls" in node and "_target_" not in node:
                node["_target_"] = node.pop("cls")
            elif "cls" in node:
                node.pop("cls")
            params = node.get("params")
            if isinstance(params, dict) and ("_target_" in node or "target" in node):
                node.pop("params")
                for key, value in params.items():
                    node.setdefault(key, value)
            return node
        if isinstance(node, list):
            return [upgrade(item) for item in node]
        return node

    if not isinstance(config, (DictConfig, ListConfig)):
        return config
    container = OmegaConf.to_container(config, resolve=False)
    return OmegaConf.create(upgrade(container))
