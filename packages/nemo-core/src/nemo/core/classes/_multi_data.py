"""Several validation or test sets from one dataset config, named as NeMo names them.

A config whose data key holds a list (``manifest_filepath: [a.json, b.json]``) builds one loader
per item; metrics of each are logged with a prefix made from the item's file name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["FASTPATH_KEY", "find_data_key", "parse_dataset_as_name"]

FASTPATH_KEY = "ds_item"


def find_data_key(config: Mapping[str, Any]) -> str | None:
    """The key of ``config`` holding the data set(s), or None when there is none to split on.

    ``ds_item`` names it explicitly; otherwise it is the first key whose value is an existing
    path or a list of existing paths.

    Decision (NeMo quirk fixed): when ``ds_item`` held the name of another key, NeMo returned
    that key's *value*; here it returns the key, which is what every caller indexes with.
    """
    item = config.get(FASTPATH_KEY)
    if item is not None:
        if isinstance(item, str) and item in config:
            return item
        return FASTPATH_KEY
    for key, value in config.items():
        if _is_path(value):
            return str(key)
        if _is_path_list(value):
            return str(key)
    return None


def parse_dataset_as_name(name: Any) -> str:
    """A metric prefix for a data set: ``/d/an4_val_manifest.json`` → ``an4_val_``."""
    text = Path(name).stem if _is_path(name) else str(name)
    text = text.replace("-", "_").replace("manifest", "").replace("dataset", "")
    return text if text.endswith("_") else text + "_"


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike)) and str(value) != "" and Path(value).exists()


def _is_path_list(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) > 0
        and all(_is_path(item) for item in value)
    )
