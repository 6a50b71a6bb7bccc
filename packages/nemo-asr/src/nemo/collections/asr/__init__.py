"""nemo-asr: speech recognition for NeMo.

``import nemo.collections.asr as nemo_asr`` stays cheap (the ``nemo`` plugin loader imports this
package); ``nemo_asr.models``, ``nemo_asr.modules``, ... are imported on first use, so NeMo's
``nemo_asr.models.EncDecCTCModel.restore_from(...)`` works as written.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing is not imported at discovery: every `nemo` start pays for it
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_SUBPACKAGES = ("data", "losses", "metrics", "models", "modules", "parts")


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
