"""Neural modules of the NLP models: language-model encoders and their heads."""

from __future__ import annotations

from nemo.core import lazy_exports

TYPE_CHECKING = False

_EXPORTS = {
    "BertConfig": ".common.bert",
    "BertEncoder": ".common.bert",
    "HuggingFaceEncoder": ".common.lm_utils",
    "get_lm_model": ".common.lm_utils",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from nemo.collections.nlp.modules.common.bert import BertConfig as BertConfig
    from nemo.collections.nlp.modules.common.bert import BertEncoder as BertEncoder
    from nemo.collections.nlp.modules.common.lm_utils import (
        HuggingFaceEncoder as HuggingFaceEncoder,
    )
    from nemo.collections.nlp.modules.common.lm_utils import get_lm_model as get_lm_model
