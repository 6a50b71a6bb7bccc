"""Connectors between models and files: the ``.nemo`` archive format.

Names are imported on first use, so importing this package does not import torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemo.core._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "SaveRestoreConnector": "nemo.core.connectors.save_restore_connector",
    "ArchiveLimits": "nemo.core.connectors._limits",
    "NemoArchiveError": "nemo.core.connectors._errors",
    "WeightsMismatchError": "nemo.core.connectors._errors",
    "ArchiveInfo": "nemo.core.connectors._info",
    "describe_archive": "nemo.core.connectors._info",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from nemo.core.connectors._errors import NemoArchiveError as NemoArchiveError
    from nemo.core.connectors._errors import WeightsMismatchError as WeightsMismatchError
    from nemo.core.connectors._info import ArchiveInfo as ArchiveInfo
    from nemo.core.connectors._info import describe_archive as describe_archive
    from nemo.core.connectors._limits import ArchiveLimits as ArchiveLimits
    from nemo.core.connectors.save_restore_connector import (
        SaveRestoreConnector as SaveRestoreConnector,
    )
