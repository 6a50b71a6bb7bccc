"""nemo-nlp's plugin: its models, registered by reference (nothing imported at discovery)."""

from __future__ import annotations

from nemo.core.plugins import Registrar, hookimpl

TYPE_CHECKING = False  # typing is not imported at discovery: every `nemo` start pays for it
if TYPE_CHECKING:
    import argparse
    from typing import Any

_INTENT_SLOT = (
    "nemo.collections.nlp.models.intent_slot_classification.intent_slot_classification_model"
    ":IntentSlotClassificationModel"
)


_BERT_LM = "nemo.collections.nlp.models.language_modeling.bert_lm_model:BERTLMModel"
_TEXT = "nemo.collections.nlp.models.text_classification.text_classification_model"
_TOKEN = "nemo.collections.nlp.models.token_classification.token_classification_model"
_MT = "nemo.collections.nlp.models.machine_translation.mt_enc_dec_model:MTEncDecModel"


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    from nemo.collections.nlp.models.pretrained import PRETRAINED

    registrar.model("BERTLMModel", _BERT_LM, description="masked-LM pretraining of BERT")
    registrar.model(
        "IntentSlotClassificationModel", _INTENT_SLOT, description="joint intent and slot filling"
    )
    registrar.model(
        "TextClassificationModel", f"{_TEXT}:TextClassificationModel",
        description="a class per sentence",
    )  # fmt: skip
    registrar.model(
        "TokenClassificationModel", f"{_TOKEN}:TokenClassificationModel",
        description="a label per word (named entities, IOB slots)",
    )  # fmt: skip
    registrar.model("MTEncDecModel", _MT, description="transformer machine translation")
    registrar.pretrained_entries(PRETRAINED)


@hookimpl
def nemo_add_cli_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "understand", help="transcribe audio files, then parse each command's intent and slots"
    )
    parser.add_argument("--asr", required=True, metavar="NAME_OR_PATH", help="speech recognizer")
    parser.add_argument("--nlu", required=True, metavar="NAME_OR_PATH", help="intent/slot model")
    parser.add_argument("files", nargs="+", metavar="FILE", help="audio files (WAV, FLAC, ...)")
    parser.add_argument("--batch-size", type=int, default=8, help="files per batch (default 8)")
    parser.set_defaults(handler="nemo.collections.nlp._cli:understand")
