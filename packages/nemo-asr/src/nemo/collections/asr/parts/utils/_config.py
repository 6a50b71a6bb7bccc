"""Config sections as plain Python values: one place that knows about OmegaConf containers."""

from __future__ import annotations

from typing import Any

__all__ = ["to_plain"]


def to_plain(value: Any) -> Any:
    """A DictConfig/ListConfig as a resolved plain dict/list; any other value as it is.

    Sections are converted once, then read many times (block configs, dataset configs), and
    plain values travel to DataLoader workers without OmegaConf.
    """
    from omegaconf import DictConfig, ListConfig, OmegaConf

    if isinstance(value, DictConfig | ListConfig):
        return OmegaConf.to_container(value, resolve=True)
    return value
