"""The pretrained checkpoints of nemo-nlp's models, as typed data beside the model classes.

The language-understanding pair is trained on the bundled smart-home corpus by
``tools/train_nlu_models.py --ship``; the translator on the bundled English->German command
corpus by ``examples/nlp/machine_translation/enc_dec_nmt.py --config-name nmt_en_de_commands``.
All ship inside the package: ``from_pretrained`` needs no network.
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
        sha256="88528dc9de44f0ab52bc6bd40ee99149578dc66be77618e47086e09b345add51",
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
        sha256="5c28c5f1a8c6514c52806ab6b94d9aee2e848453a9f5345f3c2143cf40b6b6c7",
        size=686080,
        description="intents and slots of smart-home commands (10 intents, 6 slots), English",
    ),
    PretrainedEntry(
        "nmt_en_de_commands",
        class_="nemo.collections.nlp.models.machine_translation.mt_enc_dec_model:MTEncDecModel",
        location=f"{_PACKAGE}/nmt_en_de_commands.nemo",
        sha256="face93a6f54ef7c6424acef182894dfd4dc94b2cc6e5cce8d1c221a14e929d5f",
        size=13086720,
        description="English->German smart-home commands, a 3+3-layer transformer (3.2 M)",
    ),
)
