"""Part of nemo-tts."""
