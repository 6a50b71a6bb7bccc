"""nemo-tts: text → mel spectrogram (FastPitch) → waveform (HiFi-GAN, Griffin-Lim).

``synthesize(texts, generator, vocoder)`` speaks texts with any pair; ``round_trip`` measures
the pair's intelligibility through a speech recognizer. Imported lazily.
"""

from __future__ import annotations

from nemo.core import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "GriffinLimModel": ".models.two_stages",
    "round_trip": "._round_trip",
    "synthesize": "._synthesize",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
