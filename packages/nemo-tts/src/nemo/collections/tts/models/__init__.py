"""TTS models under NeMo's class paths (``nemo.collections.tts.models.<Name>``), imported lazily."""

from __future__ import annotations

from nemo.core import lazy_exports

_EXPORTS = {
    "FastPitchModel": ".fastpitch",
    "GriffinLimModel": ".two_stages",
    "HifiGanModel": ".hifigan",
    "SpectrogramGenerator": ".base",
    "TextToWaveform": ".base",
    "Vocoder": ".base",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
