"""Config conversion, done once at the boundary where a config enters the toolkit.

A model stores its config as a ``DictConfig`` (what ``model.cfg`` is in NeMo, and what Hydra and
``.nemo`` archives hold): :func:`convert_model_config_to_dict_config` makes it from whatever the
user passed (DictConfig, dict, dataclass, YAML path), upgrading Hydra 0.x keys (``cls`` +
``params``) on the way as NeMo does. Code that *reads* a section (data sets, decoding, optimizer
arguments, module block lists) takes plain Python values: :func:`plain_dict` / :func:`to_plain`
convert once where a section is handed over, and plain values pass through unchanged, so a
section never changes form twice. These are NeMo's ``nemo.utils.model_utils`` names where NeMo
has them.
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
    "convert_model_config_to_dict_config",
    "maybe_update_config_version",
    "plain_dict",
    "to_plain",
]


def convert_model_config_to_dict_config(config: Any, *, what: str = "config") -> Any:
    """A resolved, version-updated ``DictConfig`` copy of ``config``.

    Accepts what :func:`as_dictconfig` accepts. Interpolations are resolved, so the result no
    longer depends on a parent config.
    """
    from omegaconf import OmegaConf

    return OmegaConf.create(_upgraded(to_plain(as_dictconfig(config, what=what))))


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


def to_plain(value: Any) -> Any:
    """``value`` as plain Python values: a DictConfig/ListConfig resolved into dicts and lists,
    a dataclass instance into a dict of its fields; anything else as it is (not copied)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if type(value).__module__.startswith("omegaconf"):  # omegaconf only when one is passed
        from omegaconf import DictConfig, ListConfig, OmegaConf

        if isinstance(value, DictConfig | ListConfig):
            return OmegaConf.to_container(value, resolve=True)
    return value


def plain_dict(config: Any, *, what: str) -> dict[str, Any]:
    """A deep plain-dict copy of a config section (DictConfig, mapping or dataclass instance),
    resolved; the caller may change it freely. ``what`` names the section in the error."""
    plain = to_plain(config)
    if not isinstance(plain, Mapping):
        raise TypeError(
            f"{what} must be a mapping (a dict or DictConfig), got {type(config).__name__}"
        )
    return {str(key): copy.deepcopy(value) for key, value in plain.items()}


def maybe_update_config_version(config: Any) -> Any:
    """Upgrade Hydra 0.x keys in place on a copy: ``cls`` → ``_target_``, ``params`` hoisted.

    Applied recursively, as NeMo does, so nested module configs are upgraded too. A config
    that uses neither key is returned unchanged (as a copy).
    """
    from omegaconf import DictConfig, ListConfig, OmegaConf

    if not isinstance(config, (DictConfig, ListConfig)):
        return config
    return OmegaConf.create(_upgraded(OmegaConf.to_container(config, resolve=False)))


def _upgraded(node: Any) -> Any:
    """A plain config tree with its Hydra 0.x keys upgraded (see maybe_update_config_version)."""
    if isinstance(node, dict):
        node = {key: _upgraded(value) for key, value in node.items()}
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
        return [_upgraded(item) for item in node]
    return node
