"""Small real audio files and manifests for nemo-asr's data and augmentation tests."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

LABELS = [" ", *"abcdefghijklmnopqrstuvwxyz", "'"]
RATE = 16000


def tone(
    seconds: float, freq: float = 440.0, rate: int = RATE, amplitude: float = 0.5
) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * math.pi * freq * t)).astype(np.float32)


def write_audio(path: Path, samples: np.ndarray, rate: int = RATE, subtype: str = "PCM_16") -> Path:
    """Write ``samples`` (float in [-1, 1]); the format follows the suffix (.flac, .wav)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), samples, rate, subtype=subtype)
    return path


def write_manifest(path: Path, lines: Iterable[Mapping[str, Any] | str]) -> Path:
    """One JSON object per line; a str is written verbatim (for bad lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        for line in lines:
            handle.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def utterance_corpus(root: Path, texts: Iterable[str], *, suffix: str = ".flac") -> Path:
    """Tones of different lengths (0.3 s + 0.1 s per utterance), one per text, and their
    manifest ``root/manifest.json`` with paths relative to it."""
    lines = []
    for index, text in enumerate(texts):
        seconds = 0.3 + 0.1 * index
        audio = write_audio(root / "audio" / f"utt{index}{suffix}", tone(seconds, 200 + 50 * index))
        lines.append(
            {"audio_filepath": str(audio.relative_to(root)), "duration": seconds, "text": text}
        )
    return write_manifest(root / "manifest.json", lines)
