"""The pretrained checkpoints of nemo-tts's models, shipped inside the package (no network).

Trained on the bundled single-voice corpus (``data/tts_commands``) by ``examples/tts``'s
scripts; ``tools/evaluate_tts.py`` measures them (TTS → ASR round trip, MCD, real-time factor).
"""

from __future__ import annotations

from nemo.core.plugins import PretrainedEntry

__all__ = ["PRETRAINED"]

_PACKAGE = "package://nemo.collections.tts/pretrained"
_MODELS = "nemo.collections.tts.models"

PRETRAINED: tuple[PretrainedEntry, ...] = (
    PretrainedEntry(
        "tts_en_commands_fastpitch",
        class_=f"{_MODELS}.fastpitch:FastPitchModel",
        location=f"{_PACKAGE}/tts_en_commands_fastpitch.nemo",
        sha256="9735fd1e5b7dd22e53b8e0c7e0c5e56f11dc170ade0d52b804ce314a1fd31d6b",
        size=12830720,
        description="FastPitch 1.1 (learned alignment), one espeak-ng voice, English, 16 kHz",
    ),
    PretrainedEntry(
        "tts_en_commands_griffin_lim",
        class_=f"{_MODELS}.two_stages:GriffinLimModel",
        location=f"{_PACKAGE}/tts_en_commands_griffin_lim.nemo",
        sha256="6e55eed7e965aa93c6a3e5241d308a70f49601840ea62c73869e574ac9ab1388",
        size=174080,
        description="Griffin-Lim for tts_en_commands_fastpitch's mel (32 iterations): the "
        "best-understood vocoder of the round trip",
    ),
    PretrainedEntry(
        "tts_en_commands_hifigan",
        class_=f"{_MODELS}.hifigan:HifiGanModel",
        location=f"{_PACKAGE}/tts_en_commands_hifigan.nemo",
        sha256="1252ddd6f079d6ea53e2a33620be07c86e7d52594997444514cb877097864ffe",
        size=6481920,
        description="HiFi-GAN (V3-sized generator) for tts_en_commands_fastpitch's mel, 16 kHz",
    ),
)
