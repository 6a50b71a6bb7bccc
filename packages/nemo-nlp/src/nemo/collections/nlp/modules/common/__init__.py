"""Modules shared by the NLP models (NeMo's ``nemo.collections.nlp.modules.common``)."""

from __future__ import annotations

from nemo.core import lazy_exports

_EXPORTS = {
    "BertEncoder": ".bert",
    "get_lm_model": ".lm_utils",
    "SequenceClassifier": ".classifiers",
    "SequenceTokenClassifier": ".classifiers",
    "TokenClassifier": ".classifiers",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
