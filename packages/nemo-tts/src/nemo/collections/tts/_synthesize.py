"""Text to waveforms with any spectrogram generator and vocoder pair, batched.

Used by ``nemo synthesize``, the demo and the round-trip evaluation, so all three produce the
same audio for the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

__all__ = ["synthesize"]


def synthesize(
    texts: Sequence[str], generator: Any, vocoder: Any, batch_size: int = 8, pace: float = 1.0
) -> list[np.ndarray]:
    """One float32 waveform (at the generator's sample rate) per text, in order."""
    if isinstance(texts, str):
        raise TypeError("synthesize takes a list of texts; wrap a single text in a list")
    generator_bins, vocoder_bins = generator.mel.n_mels, vocoder.mel.n_mels
    if generator_bins != vocoder_bins or generator.mel.hop_length != vocoder.mel.hop_length:
        raise ValueError(
            f"the spectrogram generator makes {generator_bins} mel bins at hop "
            f"{generator.mel.hop_length} but the vocoder expects {vocoder_bins} at hop "
            f"{vocoder.mel.hop_length}: pair models trained on the same mel definition"
        )
    hop = generator.mel.hop_length
    pad = generator.text_frontend.tokenizer.pad_id
    waveforms: list[np.ndarray] = []
    for start in range(0, len(texts), batch_size):
        parsed = [generator.parse(text)[0] for text in texts[start : start + batch_size]]
        tokens = torch.nn.utils.rnn.pad_sequence(parsed, batch_first=True, padding_value=pad)
        spect, lengths = generator.generate_spectrogram_with_lengths(tokens, pace=pace)
        audio = vocoder.convert_spectrogram_to_audio(spec=spect.to(vocoder.device))
        for row, frames in zip(audio, lengths, strict=True):
            waveforms.append(row[: int(frames) * hop].detach().cpu().float().numpy())
    return waveforms
