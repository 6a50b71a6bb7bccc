"""nemo-asr's plugin: its models, NeMo's public pretrained ASR checkpoints, ``nemo transcribe``.

Cheap to import: everything is registered by lazy reference and imported on first use.
"""

from __future__ import annotations

from nemo.core.plugins import Registrar, hookimpl

TYPE_CHECKING = False  # typing is not imported at discovery: every `nemo` start pays for it
if TYPE_CHECKING:
    import argparse
    from typing import Any

_CTC = "nemo.collections.asr.models.ctc_models:EncDecCTCModel"
_CTC_BPE = "nemo.collections.asr.models.ctc_bpe_models:EncDecCTCModelBPE"

_NGC = "https://api.ngc.nvidia.com/v2/models/nvidia/nemo"

# Shipped inside this distribution, so it works offline: examples/asr/conf/quartznet_small.yaml
# trained by examples/asr/speech_to_text.py on data/speech_commands (2.0% WER on its test split,
# whose voices training never heard). Retrain with `python examples/demo.py --train`.
_SHIPPED = {
    "name": "stt_en_commands_quartznet_small",
    "location": "package://nemo.collections.asr/pretrained/stt_en_commands_quartznet_small.nemo",
    "sha256": "989f67d2d53aaead2165becb829690545d037bad9f4e76d6a23aaac870de8c57",
    "size": 2007040,
    "description": "QuartzNet (469k parameters) for the bundled spoken-command corpus, English",
}

# NeMo 1.0's public checkpoints (name, class, description), published on NVIDIA NGC.
_PRETRAINED: tuple[tuple[str, str, str], ...] = (
    ("stt_en_quartznet15x5", _CTC, "QuartzNet 15x5, English (LibriSpeech, Common Voice, ...)"),
    ("stt_zh_quartznet15x5", _CTC, "QuartzNet 15x5, Mandarin (AISHELL-2)"),
    ("stt_en_jasper10x5dr", _CTC, "Jasper 10x5 with dense residuals, English"),
    ("stt_ca_quartznet15x5", _CTC, "QuartzNet 15x5, Catalan (Mozilla Common Voice)"),
    ("stt_it_quartznet15x5", _CTC, "QuartzNet 15x5, Italian (Mozilla Common Voice)"),
    ("stt_fr_quartznet15x5", _CTC, "QuartzNet 15x5, French (Mozilla Common Voice)"),
    ("stt_es_quartznet15x5", _CTC, "QuartzNet 15x5, Spanish (Mozilla Common Voice)"),
    ("stt_de_quartznet15x5", _CTC, "QuartzNet 15x5, German (Mozilla Common Voice)"),
    ("stt_pl_quartznet15x5", _CTC, "QuartzNet 15x5, Polish (Mozilla Common Voice)"),
    ("stt_ru_quartznet15x5", _CTC, "QuartzNet 15x5, Russian (Mozilla Common Voice)"),
    ("stt_zh_citrinet_512", _CTC, "Citrinet 512, Mandarin characters (AISHELL-2)"),
    ("asr_talknet_aligner", _CTC, "QuartzNet aligner for TalkNet, English (LJSpeech)"),
    ("stt_en_citrinet_256", _CTC_BPE, "Citrinet 256, English subwords"),
    ("stt_en_citrinet_512", _CTC_BPE, "Citrinet 512, English subwords"),
    ("stt_en_citrinet_1024", _CTC_BPE, "Citrinet 1024, English subwords"),
    ("stt_es_citrinet_512", _CTC_BPE, "Citrinet 512, Spanish subwords"),
    ("stt_en_conformer_ctc_small", _CTC_BPE, "Conformer-CTC small, English subwords"),
    ("stt_en_conformer_ctc_medium", _CTC_BPE, "Conformer-CTC medium, English subwords"),
    ("stt_en_conformer_ctc_large", _CTC_BPE, "Conformer-CTC large, English subwords"),
    ("stt_en_conformer_ctc_small_ls", _CTC_BPE, "Conformer-CTC small, English (LibriSpeech)"),
    ("stt_en_conformer_ctc_medium_ls", _CTC_BPE, "Conformer-CTC medium, English (LibriSpeech)"),
    ("stt_en_conformer_ctc_large_ls", _CTC_BPE, "Conformer-CTC large, English (LibriSpeech)"),
)


def _ngc_location(name: str) -> str:
    return f"{_NGC}/{name}/versions/1.0.0rc1/files/{name}.nemo"


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    registrar.model("EncDecCTCModel", _CTC, description="character CTC speech recognition")
    registrar.model("EncDecCTCModelBPE", _CTC_BPE, description="subword CTC speech recognition")
    registrar.pretrained(
        _SHIPPED["name"],
        class_=_CTC,
        location=_SHIPPED["location"],
        sha256=_SHIPPED["sha256"],
        size=_SHIPPED["size"],
        description=_SHIPPED["description"],
    )
    registrar.pretrained(
        "QuartzNet15x5Base-En",
        class_=_CTC,
        location=f"{_NGC}/nemospeechmodels/versions/1.0.0a5/files/QuartzNet15x5Base-En.nemo",
        description="QuartzNet 15x5, English (LibriSpeech, Mozilla Common Voice, WSJ, Fisher, "
        "Switchboard)",
    )
    for name, class_, description in _PRETRAINED:
        registrar.pretrained(
            name, class_=class_, location=_ngc_location(name), description=description
        )


@hookimpl
def nemo_add_cli_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "transcribe", help="transcribe audio files with a speech recognition model"
    )
    parser.add_argument(
        "--model",
        required=True,
        metavar="NAME_OR_PATH",
        help="a .nemo file, or a pretrained model name (`nemo list pretrained`)",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="audio files (WAV, FLAC, ...)")
    parser.add_argument("--batch-size", type=int, default=4, help="files per batch (default 4)")
    parser.add_argument(
        "--json", action="store_true", help="print JSON: text and word timestamps per file"
    )
    parser.set_defaults(handler="nemo.collections.asr._cli:transcribe")
