"""Objective measures of synthesized speech."""

from nemo.collections.tts.metrics.mcd import mel_cepstral_distortion

__all__ = ["mel_cepstral_distortion"]
