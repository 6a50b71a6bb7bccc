"""The pretrained checkpoints of nemo-nlp's models, as typed data beside the model classes.

Both are trained on the bundled smart-home corpus by ``tools/train_nlu_models.py --ship`` and
ship inside the package: ``from_pretrained`` needs no network.
"""

from __future__ import annotations

from nemo.core.plugins import PretrainedEntry

__all__ = ["PRETRAINED"]

_PACKAGE = "package://nemo.collections.nlp/pretrained"

PRETRAINED: tuple[PretrainedEntry, ...] = (
    PretrainedEntry(
        "nlu_en_smart_home_bert",
        class_="nemo.collections.nlp.models.language_modeling.bert_lm_model:BERTLMModel",
        location=f"{_PACKAGE}/nlu_en_smart_home_bert.nemo",
        sha256="b20ce43b1222c20fb67b5e94bac4bc973f28c32bb135216a307b485023b27314",
        size=665600,
        description="a small BERT (masked-LM) pretrained on the smart-home command text, English",
    ),
    PretrainedEntry(
        "nlu_en_smart_home_intent_slot",
        class_=(
            "nemo.collections.nlp.models.intent_slot_classification."
            "intent_slot_classification_model:IntentSlotClassificationModel"
        ),
        location=f"{_PACKAGE}/nlu_en_smart_home_intent_slot.nemo",
        sha256="2fe89821916842c4f09d3d961644128531ccc553864a983a3c76056099d843c4",
        size=686080,
        description="intents and slots of smart-home commands (10 intents, 6 slots), English",
    ),
)
