"""NeMo's module path for the log-mel features, which live in nemo-core (shared with TTS)."""

from nemo.core.audio.features import (
    CONSTANT,
    FilterbankFeatures,
    NormalizeType,
    normalize_batch,
    splice_frames,
)

__all__ = ["CONSTANT", "FilterbankFeatures", "NormalizeType", "normalize_batch", "splice_frames"]
