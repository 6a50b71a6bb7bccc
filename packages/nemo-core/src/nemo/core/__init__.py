"""nemo-core: the contracts that every NeMo collection and plugin builds on.

Importing this package is cheap: torch, Lightning and Hydra are imported only when a name that
needs them is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemo.core._lazy import lazy_exports

__version__ = "0.1.0"

# name -> module that defines it, imported on first use.
_EXPORTS: dict[str, str] = {
    "hookimpl": "nemo.core.plugins",
}

__all__ = ["__version__", *_EXPORTS]  # noqa: PLE0604 - the names are the table's keys

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from nemo.core.plugins import hookimpl as hookimpl
