"""NeMo's text classification model."""

from __future__ import annotations

from nemo.core import lazy_exports

_EXPORTS = {"TextClassificationModel": ".text_classification_model"}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
