"""Neural modules named by NeMo configs (``_target_: nemo.collections.asr.modules.<Name>``)."""

from nemo.collections.asr.modules.audio_preprocessing import (
    AudioToMelSpectrogramPreprocessor,
    SpectrogramAugmentation,
)
from nemo.collections.asr.modules.conv_asr import ConvASRDecoder, ConvASREncoder

__all__ = [
    "AudioToMelSpectrogramPreprocessor",
    "ConvASRDecoder",
    "ConvASREncoder",
    "SpectrogramAugmentation",
]
