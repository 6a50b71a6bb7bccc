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
)
