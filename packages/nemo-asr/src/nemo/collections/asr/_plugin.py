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


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    from nemo.collections.asr.models.pretrained import PRETRAINED

    registrar.model("EncDecCTCModel", _CTC, description="character CTC speech recognition")
    registrar.model("EncDecCTCModelBPE", _CTC_BPE, description="subword CTC speech recognition")
    registrar.pretrained_entries(PRETRAINED)


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
