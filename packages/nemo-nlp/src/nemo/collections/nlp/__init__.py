"""nemo-nlp: natural-language understanding for NeMo.

``import nemo.collections.nlp as nemo_nlp`` stays cheap (the ``nemo`` plugin loader imports
this package); ``nemo_nlp.models``, ``nemo_nlp.modules`` are imported on first use, and
``transformers`` only when asked for (``library="huggingface"``).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing is not imported at discovery: every `nemo` start pays for it
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"
__all__ = ["evaluate_understanding", "understand"]

_SUBPACKAGES = ("data", "metrics", "models", "modules")


def __getattr__(name: str) -> Any:
    if name in ("understand", "evaluate_understanding"):
        from nemo.collections.nlp import _understand

        return getattr(_understand, name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
