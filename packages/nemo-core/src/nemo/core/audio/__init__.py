"""Audio front ends shared by the speech collections (ASR features, TTS targets).

Imported on demand only: ``import nemo.core`` never loads torch's signal code or numpy for it.
"""

from __future__ import annotations

from nemo.core._lazy import lazy_exports

_EXPORTS = {
    "AudioToMelSpectrogramPreprocessor": ".preprocessing",
    "FilterbankFeatures": ".features",
    "mel_filterbank": ".mel",
    "make_rng": "._random",
    "ManifestError": ".manifest",
    "read_manifest": ".manifest",
    "valid_frames": "._frames",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
