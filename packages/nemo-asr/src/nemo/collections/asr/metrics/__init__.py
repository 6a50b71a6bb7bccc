"""Recognition metrics: word (or character, ``use_cer=True``) error rate."""

from nemo.collections.asr.metrics.wer import WER, word_error_rate

__all__ = ["WER", "word_error_rate"]
