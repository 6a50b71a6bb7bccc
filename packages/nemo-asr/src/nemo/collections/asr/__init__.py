"""nemo-asr: speech recognition for NeMo."""

__version__ = "0.1.0"
