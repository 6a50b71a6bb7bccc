"""nemo-nlp's plugin: its models, registered by reference (nothing imported at discovery)."""

from __future__ import annotations

from nemo.core.plugins import Registrar, hookimpl

_INTENT_SLOT = (
    "nemo.collections.nlp.models.intent_slot_classification.intent_slot_classification_model"
    ":IntentSlotClassificationModel"
)


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    registrar.model(
        "IntentSlotClassificationModel", _INTENT_SLOT, description="joint intent and slot filling"
    )
