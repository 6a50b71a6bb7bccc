"""The pretrained checkpoints of nemo-tts's models, shipped inside the package (no network).

Trained on the bundled single-voice corpus (``data/tts_commands``) by ``examples/tts``'s
scripts; ``tools/evaluate_tts.py`` measures them (TTS → ASR round trip, MCD, real-time factor).
"""

from __future__ import annotations

from nemo.core.plugins import PretrainedEntry

__all__ = ["PRETRAINED"]

_PACKAGE = "package://nemo.collections.tts/pretrained"
_MODELS = "nemo.collections.tts.models"

PRETRAINED: tuple[PretrainedEntry, ...] = ()
