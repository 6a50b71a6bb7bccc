"""Artifacts: files a model needs (tokenizers, vocabularies) that travel inside its archive.

A model registers each file under the config key that names it; ``save_to`` copies the file into
the ``.nemo`` archive and writes ``nemo:<member>`` at that key, and a restored model resolves
``nemo:<member>`` back to a file extracted from the archive.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from nemo.core.classes._restore_state import current_restore

__all__ = ["NEMO_PREFIX", "ArtifactItem", "ArtifactPathType", "register_artifact"]

NEMO_PREFIX = "nemo:"


class ArtifactPathType(Enum):
    LOCAL_PATH = 0  # a file on disk, copied into the archive on save
    TAR_PATH = 1  # a member of the archive the model was restored from


@dataclass
class ArtifactItem:
    """Where an artifact is: a local file, or ``nemo:<member>`` of the archive ``archive``."""

    path: str
    path_type: ArtifactPathType
    archive: str | None = None


def register_artifact(
    model: Any, config_path: str, src: str | Path | None, verify_src_exists: bool = True
) -> str | None:
    """Record ``src`` as the artifact at config key ``config_path``; return its usable path.

    Resolution order (NeMo's): an existing local file; a ``nemo:`` member of the archive being
    restored; a file of that basename in the archive (archives of old NeMo versions stored
    artifacts under their plain names). The returned path is written into the model's config.
    """
    if src is None or str(src) == "":
        return None if src is None else ""
    src = str(src)
    artifacts: dict[str, ArtifactItem] = model.__dict__.setdefault("artifacts", {})
    if config_path in artifacts:
        warnings.warn(
            f"artifact {config_path!r} was registered before; the new path {src!r} replaces it",
            UserWarning,
            stacklevel=3,
        )
    item, usable = _resolve(src)
    if item is None:
        if verify_src_exists:
            raise FileNotFoundError(
                f"artifact {config_path!r}: {src!r} is neither an existing file nor a member of "
                "the archive being restored; fix the path in the config (key "
                f"{config_path!r}), or pass verify_src_exists=False if the file is optional"
            )
        return None
    artifacts[config_path] = item
    _write_config(model, config_path, usable)
    return usable


def _resolve(src: str) -> tuple[ArtifactItem | None, str]:
    local = Path(src).expanduser()
    if not src.startswith(NEMO_PREFIX) and local.is_file():
        absolute = str(local.resolve())
        return ArtifactItem(absolute, ArtifactPathType.LOCAL_PATH), absolute
    context = current_restore()
    source = None if context is None else context.artifacts
    if source is None:
        return None, ""
    member = src[len(NEMO_PREFIX) :] if src.startswith(NEMO_PREFIX) else Path(src).name
    extracted = source.artifact_path(member)
    if extracted is None:
        return None, ""
    archive = None if context is None or context.restore_path is None else str(context.restore_path)
    item = ArtifactItem(NEMO_PREFIX + member, ArtifactPathType.TAR_PATH, archive)
    return item, str(extracted)


def _write_config(model: Any, config_path: str, value: str) -> None:
    from omegaconf import OmegaConf, open_dict

    config = model._cfg
    with open_dict(config):
        OmegaConf.update(config, config_path, value, merge=False, force_add=True)
    model.cfg = config
