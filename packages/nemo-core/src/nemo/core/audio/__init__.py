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

TYPE_CHECKING = False  # not typing's: importing this package stays cheap
if TYPE_CHECKING:
    from nemo.core.audio._frames import valid_frames as valid_frames
    from nemo.core.audio._random import make_rng as make_rng
    from nemo.core.audio.features import FilterbankFeatures as FilterbankFeatures
    from nemo.core.audio.manifest import ManifestError as ManifestError
    from nemo.core.audio.manifest import read_manifest as read_manifest
    from nemo.core.audio.mel import mel_filterbank as mel_filterbank
    from nemo.core.audio.preprocessing import (
        AudioToMelSpectrogramPreprocessor as AudioToMelSpectrogramPreprocessor,
    )
