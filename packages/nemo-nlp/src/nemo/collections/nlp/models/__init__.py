"""NLP models, at NeMo's class paths (``nemo.collections.nlp.models.<Model>``)."""

from __future__ import annotations

from nemo.core import lazy_exports

TYPE_CHECKING = False

_EXPORTS = {
    "BERTLMModel": ".language_modeling.bert_lm_model",
    "IntentSlotClassificationModel": ".intent_slot_classification.intent_slot_classification_model",
    "TextClassificationModel": ".text_classification.text_classification_model",
    "TokenClassificationModel": ".token_classification.token_classification_model",
    "MTEncDecModel": ".machine_translation.mt_enc_dec_model",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from nemo.collections.nlp.models.intent_slot_classification.intent_slot_classification_model import (  # noqa: E501
        IntentSlotClassificationModel as IntentSlotClassificationModel,
    )
    from nemo.collections.nlp.models.language_modeling.bert_lm_model import (
        BERTLMModel as BERTLMModel,
    )
    from nemo.collections.nlp.models.machine_translation.mt_enc_dec_model import (
        MTEncDecModel as MTEncDecModel,
    )
    from nemo.collections.nlp.models.text_classification.text_classification_model import (
        TextClassificationModel as TextClassificationModel,
    )
    from nemo.collections.nlp.models.token_classification.token_classification_model import (
        TokenClassificationModel as TokenClassificationModel,
    )
