"""Text classification data: NeMo's ``sentence<TAB>label`` files and their data set."""

from __future__ import annotations

from nemo.core import lazy_exports

_EXPORTS = {"TextClassificationDataset": ".text_classification_dataset"}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
