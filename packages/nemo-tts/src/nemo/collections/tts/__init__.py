"""nemo-tts: text → mel spectrogram (FastPitch) → waveform (HiFi-GAN, Griffin-Lim)."""

__version__ = "0.1.0"
