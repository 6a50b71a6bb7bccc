"""nemo-optim: optimizers and learning-rate schedulers, registered through the plugin system.

Importing this package is cheap (its plugin module is imported at every discovery): the
optimizers and schedulers below are imported on first use. Look them up by name through
``nemo.core.plugins.optimizers`` / ``schedulers`` or the NeMo-style ``nemo.core.optim`` API.
"""

from __future__ import annotations

from nemo.core import lazy_exports
from nemo.optim._plugin import OPTIMIZERS, SCHEDULERS

__version__ = "0.1.0"

# What this distribution implements is what it registers under a nemo.optim module: one table.
_EXPORTS: dict[str, str] = {
    name: module
    for module, name in (
        entry[0].split(":") for entry in (*OPTIMIZERS.values(), *SCHEDULERS.values())
    )
    if module.startswith("nemo.optim.")
}

__all__ = ["__version__", *_EXPORTS]  # noqa: PLE0604 - the names are the table's keys

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
