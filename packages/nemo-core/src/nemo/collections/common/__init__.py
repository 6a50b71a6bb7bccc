"""Parts that more than one collection uses, at NeMo's import paths (shipped by nemo-core).

``nemo.collections.common.tokenizers`` holds the tokenizer contract and its implementations:
ASR's subword models, NLP's language models and TTS's text front ends share them, so that no
collection imports another.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing is not imported: collections import this package at start-up
if TYPE_CHECKING:
    from typing import Any

__all__ = ["tokenizers"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
