"""What a config read from an archive may make restore build: module classes, nothing else.

A config's ``_target_`` is handed to Hydra, which imports and calls whatever it names —
``os.system`` included — with the config's values as arguments. A config from an archive is
untrusted input, so while a model is being restored every target must name a class that is a
subclass of one of the ``allowed`` bases the caller passes (``torch.nn.Module`` and NeMo's
``Serialization``: models, modules, losses). Targets that cannot be imported are left to the
normal error path.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from nemo.core.connectors._archive_config import config_leaves
from nemo.core.connectors._errors import NemoArchiveError

__all__ = ["check_restore_targets"]


def check_restore_targets(config: Any, archive: Path | None, allowed: tuple[type, ...]) -> None:
    """Refuse ``config`` if a target it would build is not a subclass of one of ``allowed``."""
    from omegaconf import OmegaConf

    tree = OmegaConf.to_container(config, resolve=False)
    if not isinstance(tree, dict):
        return
    if "_target_" in tree:
        targets = [  # Hydra builds nested targets too
            (key, value)
            for key, value in config_leaves(tree)
            if key.rpartition(".")[2] == "_target_" and isinstance(value, str)
        ]
    elif isinstance(tree.get("target"), str):
        targets = [("target", tree["target"])]
    else:
        return
    for key, path in targets:
        located = _locate(path)
        if located is None:
            continue
        if not (isinstance(located, type) and issubclass(located, allowed)):
            source = f"{archive}: " if archive is not None else ""
            raise NemoArchiveError(
                f"{source}the config's {key} names {path!r}, which is not a module class "
                "(a torch.nn.Module or NeMo Serialization subclass); restoring builds nothing "
                "else, so that an archive cannot run code. If you trust this archive, build "
                "the model from its config yourself"
            )


def _locate(path: str) -> object | None:
    """The object at dotted ``path`` (``pkg.module.Class.Inner``), or None if not importable."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except Exception:  # not a module (or a broken one): try a shorter module path
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute, _MISSING)
            if found is _MISSING:
                return None
        return found
    return None


_MISSING = object()
