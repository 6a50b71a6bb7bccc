"""The TTS → ASR round trip: how intelligible synthesized speech is, by a number anyone can
reproduce.

Held-out sentences are synthesized by a spectrogram generator with each vocoder and transcribed
by a speech recognizer (any model with ``transcribe(paths)``: nemo-tts never imports a speech
recognition collection). The reference recordings of the same sentences through the same
recognizer give the ceiling. Beside WER: mel-cepstral distortion to the reference and the
real-time factor of synthesis (spectrogram + vocoder, wall clock / audio seconds).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import soundfile as sf
import torch

from nemo.collections.tts._synthesize import synthesize
from nemo.collections.tts.metrics.mcd import mel_cepstral_distortion
from nemo.core.audio.manifest import read_manifest
from nemo.utils.edit_distance import edit_distance

__all__ = ["round_trip", "word_error_rate"]


def word_error_rate(hypotheses: list[str], references: list[str]) -> float:
    """Word errors over reference words, in percent."""
    errors = sum(
        edit_distance(h.split(), r.split()) for h, r in zip(hypotheses, references, strict=True)
    )
    words = sum(len(r.split()) for r in references)
    return 100.0 * errors / max(words, 1)


def _log_mel(generator: Any, audio: torch.Tensor) -> torch.Tensor:
    mel, lengths = generator.preprocessor(
        input_signal=audio[None].to(generator.device),
        length=torch.tensor([len(audio)], device=generator.device),
    )
    cropped: torch.Tensor = mel[0, :, : int(lengths[0])].cpu()
    return cropped


def round_trip(
    manifest: str | Path,
    generator: Any,
    vocoders: Mapping[str, Any],
    recognizer: Any,
    workdir: str | Path,
    limit: int | None = None,
    batch_size: int = 8,
) -> dict[str, dict[str, float]]:
    """``{"reference": {...}, <vocoder name>: {...}}`` with ``wer`` (%), and for each vocoder
    ``mcd`` (dB), ``rtf`` and ``seconds`` (of audio synthesized)."""
    entries = read_manifest(manifest, max_utts=limit or 0)
    texts = list(entries.texts)
    spoken = [generator.text_frontend.normalizer(text) for text in texts]
    references = [_words(text) for text in spoken]
    ref_paths = [entries.audio_file(i) for i in range(len(entries))]
    heard = recognizer.transcribe(ref_paths, batch_size=16)
    results = {"reference": {"wer": word_error_rate([str(h) for h in heard], references)}}
    ref_mels = [
        _log_mel(generator, torch.from_numpy(sf.read(p, dtype="float32")[0])) for p in ref_paths
    ]
    rate = generator.mel.sample_rate
    for name, vocoder in vocoders.items():
        synthesize(texts[:1], generator, vocoder)  # warm-up: first-call allocations
        start = time.perf_counter()
        waveforms = synthesize(texts, generator, vocoder, batch_size=batch_size)
        elapsed = time.perf_counter() - start
        seconds = sum(len(w) for w in waveforms) / rate
        folder = Path(workdir) / name
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for index, waveform in enumerate(waveforms):
            paths.append(str(folder / f"{index:04d}.wav"))
            sf.write(paths[-1], waveform, rate)
        heard = recognizer.transcribe(paths, batch_size=16)
        mcd = [
            mel_cepstral_distortion(ref, _log_mel(generator, torch.from_numpy(w)))
            for ref, w in zip(ref_mels, waveforms, strict=True)
        ]
        results[name] = {
            "wer": word_error_rate([str(h) for h in heard], references),
            "mcd": sum(mcd) / len(mcd),
            "rtf": elapsed / seconds,
            "seconds": seconds,
        }
    return results


def _words(text: str) -> str:
    """The words a recognizer can write: letters, digits, apostrophes; no punctuation."""
    kept = "".join(c if c.isalnum() or c in "' " else " " for c in text.lower())
    return " ".join(kept.split())
