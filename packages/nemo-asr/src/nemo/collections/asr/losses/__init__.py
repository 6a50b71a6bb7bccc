"""Losses of the ASR models."""

from nemo.collections.asr.losses.ctc import CTCLoss

__all__ = ["CTCLoss"]
