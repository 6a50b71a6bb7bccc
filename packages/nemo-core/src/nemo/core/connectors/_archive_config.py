"""The config a model is restored with: the archive's ``model_config.yaml``, or an override."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from nemo.core.connectors._errors import NemoArchiveError
from nemo.core.connectors._limits import ArchiveLimits
from nemo.utils.model_utils import as_dictconfig, convert_model_config_to_dict_config

__all__ = ["config_leaves", "parse_archive_config", "restore_config"]


def parse_archive_config(text: bytes, where: str, limits: ArchiveLimits) -> Any:
    """The DictConfig in an archive's YAML (unresolved); NemoArchiveError if it is not one.

    YAML aliases let a few bytes describe an exponentially large tree, which OmegaConf would
    expand in memory; the expanded size is counted first and bounded.
    """
    from omegaconf import OmegaConf

    try:
        decoded = text.decode("utf-8")
        root = yaml.compose(decoded, Loader=yaml.SafeLoader)
        if not isinstance(root, yaml.MappingNode):
            raise NemoArchiveError(f"{where}: not a mapping of config keys; the archive is corrupt")
        nodes = _expanded_size(root, {}, set())
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError, _SelfReferenceError) as exc:
        raise NemoArchiveError(
            f"{where}: not a valid config ({exc}); the archive is corrupt"
        ) from None
    if nodes > limits.max_config_nodes:
        raise NemoArchiveError(
            f"{where}: expands to {nodes} YAML nodes (through aliases), more than "
            f"{limits.max_config_nodes}; refusing it. Raise ArchiveLimits.max_config_nodes if "
            "the archive is trusted"
        )
    try:
        return OmegaConf.create(decoded)
    except Exception as exc:  # omegaconf's grammar errors share no base class we can name
        raise NemoArchiveError(f"{where}: not a valid config ({exc})") from None


def restore_config(archive_config: Any, override: Any) -> Any:
    """The resolved config to build the model from: ``override`` (a YAML path or a config)
    when given, else the archive's; a config with a top-level ``model`` key gives that key."""
    config = archive_config
    if override is not None:
        config = as_dictconfig(override, what="override_config_path")
    if "model" in config:
        config = config.model
    return convert_model_config_to_dict_config(config, what="the restored model's config")


def config_leaves(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted key, value)`` of every scalar of a plain config tree (``a.b[0].c``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from config_leaves(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from config_leaves(item, f"{prefix}[{index}]")
    else:
        yield prefix, node


class _SelfReferenceError(ValueError):
    pass


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    """Nodes in the tree once aliases are copied out; ``memo`` keeps it linear in the YAML."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise _SelfReferenceError("the YAML refers to itself through an alias")
    active.add(key)
    size = 1
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            size += _expanded_size(name, memo, active) + _expanded_size(value, memo, active)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            size += _expanded_size(item, memo, active)
    active.discard(key)
    memo[key] = size
    return size
