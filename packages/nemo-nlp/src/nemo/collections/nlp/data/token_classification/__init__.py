"""Token classification data: NeMo's ``text_*.txt`` + ``labels_*.txt`` files and data set."""

from __future__ import annotations

from nemo.core import lazy_exports

_EXPORTS = {
    "TokenClassificationDataset": ".token_classification_dataset",
    "read_tagged_files": ".token_classification_utils",
    "get_label_ids": ".token_classification_utils",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
