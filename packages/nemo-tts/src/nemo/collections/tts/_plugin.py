"""nemo-tts's plugin: its models and shipped checkpoints (by reference), ``nemo synthesize``."""

from __future__ import annotations

from nemo.core.plugins import Registrar, hookimpl

TYPE_CHECKING = False  # typing is not imported at discovery: every `nemo` start pays for it
if TYPE_CHECKING:
    import argparse
    from typing import Any

_MODELS = "nemo.collections.tts.models"
DEFAULT_GENERATOR = "tts_en_commands_fastpitch"
DEFAULT_VOCODER = "tts_en_commands_griffin_lim"  # the round trip's best (docs/tts.md)


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    from nemo.collections.tts.models.pretrained import PRETRAINED

    registrar.model(
        "FastPitchModel",
        f"{_MODELS}.fastpitch:FastPitchModel",
        description="text to mel spectrogram, learned alignment (FastPitch 1.1)",
    )
    registrar.model(
        "HifiGanModel",
        f"{_MODELS}.hifigan:HifiGanModel",
        description="mel spectrogram to audio, GAN vocoder",
    )
    registrar.model(
        "GriffinLimModel",
        f"{_MODELS}.two_stages:GriffinLimModel",
        description="mel spectrogram to audio by phase reconstruction, no training",
    )
    registrar.pretrained_entries(PRETRAINED)


@hookimpl
def nemo_add_cli_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("synthesize", help="speak text into audio files")
    parser.add_argument("text", nargs="*", metavar="TEXT", help="sentences to speak")
    parser.add_argument("-f", "--file", metavar="FILE", help="a text file, one sentence per line")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="a .wav file (one sentence), else a folder of 0000.wav, ...",
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_GENERATOR,
        metavar="NAME_OR_PATH",
        help=f"spectrogram generator (default {DEFAULT_GENERATOR})",
    )
    parser.add_argument(
        "--vocoder",
        default=DEFAULT_VOCODER,
        metavar="NAME_OR_PATH",
        help=f"vocoder (default {DEFAULT_VOCODER})",
    )
    parser.set_defaults(handler="nemo.collections.tts._cli:synthesize_command")
