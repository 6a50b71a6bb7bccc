"""NeMo's module path for the mel filters, which live in nemo-core (``nemo.core.audio.mel``)."""

from nemo.core.audio.mel import hz_to_mel, mel_filterbank, mel_to_hz

__all__ = ["hz_to_mel", "mel_filterbank", "mel_to_hz"]
