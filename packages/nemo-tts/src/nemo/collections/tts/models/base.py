"""The contracts of NeMo's two-stage synthesis: text → mel spectrogram → waveform.

Any spectrogram generator pairs with any vocoder whose mel front end matches: the pair agrees
on ``n_mel_channels`` (checked, with both numbers in the error) and on the mel definition
(same sample rate, hop and filters: both models carry their ``preprocessor`` config).
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import torch

from nemo.core.classes import ModelPT

__all__ = ["SpectrogramGenerator", "TextToWaveform", "Vocoder", "check_mel_channels"]


def check_mel_channels(spec: torch.Tensor, expected: int, who: str) -> None:
    """Refuse a spectrogram whose mel bins are not the ``expected`` count of ``who``."""
    if spec.dim() != 3:
        raise ValueError(
            f"{who} expects a spectrogram of shape (batch, n_mel_channels, time); got "
            f"{tuple(spec.shape)}"
        )
    if spec.shape[1] != expected:
        raise ValueError(
            f"{who} was trained on {expected} mel bins but the spectrogram has {spec.shape[1]}: "
            "pair it with a spectrogram generator of the same n_mel_channels (and mel config)"
        )


class SpectrogramGenerator(ModelPT):
    """Text to mel spectrogram: ``parse`` then ``generate_spectrogram``."""

    @abstractmethod
    def parse(self, str_input: str, normalize: bool = True) -> torch.Tensor:
        """Token ids (1, T) of ``str_input``, normalised first unless ``normalize`` is False."""

    @abstractmethod
    def generate_spectrogram(self, tokens: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        """Log-mel spectrogram (B, n_mel_channels, T') of token ids (B, T)."""


class Vocoder(ModelPT):
    """Mel spectrogram to waveform."""

    @abstractmethod
    def convert_spectrogram_to_audio(self, spec: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        """Audio (B, T·hop) of a log-mel spectrogram (B, n_mel_channels, T)."""


class TextToWaveform(ModelPT):
    """Text straight to waveform (one model, or a generator and a vocoder used as one)."""

    @abstractmethod
    def parse(self, str_input: str, normalize: bool = True) -> torch.Tensor: ...

    @abstractmethod
    def convert_text_to_waveform(self, *, tokens: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        """Audio (B, T') of token ids (B, T)."""
