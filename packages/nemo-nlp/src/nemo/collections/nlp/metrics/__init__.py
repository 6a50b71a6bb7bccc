"""Metrics of the NLP models."""

from __future__ import annotations

from nemo.core import lazy_exports

_EXPORTS = {
    "ClassificationReport": ".classification_report",
    "confusion_image": ".classification_report",
    "SpanF1": ".span_metrics",
    "iob_spans": ".span_metrics",
    "slot_value_f1": ".span_metrics",
    "slot_values": ".span_metrics",
    "span_f1": ".span_metrics",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
