"""Intent/slot data: NeMo's file layout, its descriptor and its data sets."""

from __future__ import annotations

from nemo.core import lazy_exports

_EXPORTS = {
    "IntentSlotDataDesc": ".intent_slot_classification_descriptor",
    "IntentSlotClassificationDataset": ".intent_slot_classification_dataset",
    "IntentSlotInferenceDataset": ".intent_slot_classification_dataset",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
