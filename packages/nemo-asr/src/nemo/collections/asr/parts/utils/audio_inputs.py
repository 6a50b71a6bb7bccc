"""What ``transcribe`` accepts as audio, checked up front and loaded batch by batch.

Files, numpy arrays and torch tensors (with their sample rate) are all turned into
:class:`AudioInput` s that know their length at the model's rate before any decoding, so that
inputs can be batched by length, and every bad input is reported with its name before the model
runs.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nemo.collections.asr.parts.preprocessing.segment import AudioSegment

__all__ = ["AudioInput", "AudioInputDataset", "collate_audio", "length_sorted_batches", "prepare"]


@dataclass
class AudioInput:
    """One utterance: a file to read, or samples already in memory, and where it came from."""

    name: str
    sample_rate: int
    num_samples: int  # at ``sample_rate``
    path: Path | None = None
    samples: torch.Tensor | None = None

    def length_at(self, target_rate: int) -> int:
        return math.ceil(self.num_samples * target_rate / self.sample_rate)

    def load(self, target_rate: int) -> torch.Tensor:
        """Mono float32 samples at ``target_rate``."""
        if self.path is not None:
            return AudioSegment.from_file(self.path, target_sr=target_rate).samples
        assert self.samples is not None  # an utterance has a path or samples
        return AudioSegment(self.samples, self.sample_rate, target_sr=target_rate).samples


def prepare(
    audio: Any, sample_rate: int | None, model_rate: int, min_samples: int
) -> list[AudioInput]:
    """Check every input and describe it; ``sample_rate`` applies to bare arrays.

    ``audio`` is one input or a list of them: a path (``str``/``PathLike``), an array or tensor
    (mono, or ``(time, channels)`` as soundfile reads, averaged to mono), or an
    ``(array, sample_rate)`` tuple. Arrays without a rate are taken to be at
    ``sample_rate``, else at the model's rate. Inputs shorter than ``min_samples`` (at the
    model's rate) are refused: the features of fewer than two frames cannot be normalised.
    """
    items = [audio] if _is_single(audio) else list(audio)
    inputs = [_describe(item, index, sample_rate or model_rate) for index, item in enumerate(items)]
    for item in inputs:
        if item.num_samples == 0:
            raise ValueError(f"{item.name} holds no samples: nothing to transcribe")
        if item.length_at(model_rate) < min_samples:
            raise ValueError(
                f"{item.name} is too short: {item.num_samples} samples at {item.sample_rate} Hz; "
                f"the model needs at least {min_samples} samples at {model_rate} Hz"
            )
    return inputs


def _is_single(audio: Any) -> bool:
    if isinstance(audio, str | os.PathLike | np.ndarray | torch.Tensor):
        return True
    return isinstance(audio, tuple) and len(audio) == 2 and isinstance(audio[1], int)


def _describe(item: Any, index: int, default_rate: int) -> AudioInput:
    if isinstance(item, str | os.PathLike):
        return _describe_file(Path(item))
    rate = default_rate
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], int):
        item, rate = item
    name = f"audio input #{index}"
    if isinstance(item, torch.Tensor):
        item = item.detach().cpu()
    if not isinstance(item, np.ndarray | torch.Tensor):
        raise TypeError(
            f"{name} is a {type(item).__name__}: give a file path, a numpy array or torch tensor "
            "(mono, or (time, channels)), or an (array, sample_rate) tuple"
        )
    if rate <= 0:
        raise ValueError(f"{name}: the sample rate must be positive, got {rate}")
    try:
        samples = AudioSegment(item, rate).samples  # integer PCM scaled, channels averaged
    except (ValueError, TypeError, RuntimeError) as exc:
        raise ValueError(f"{name} is not usable audio: {exc}") from exc
    return AudioInput(name=name, sample_rate=rate, num_samples=samples.numel(), samples=samples)


def _describe_file(path: Path) -> AudioInput:
    import soundfile

    name = f"audio file {str(path)!r}"
    if not path.is_file():
        raise FileNotFoundError(f"{name} does not exist (or is not a file)")
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, OSError) as exc:
        raise ValueError(
            f"{name} cannot be read as audio ({exc}); give a WAV/FLAC/OGG file"
        ) from exc
    return AudioInput(
        name=name, sample_rate=int(info.samplerate), num_samples=info.frames, path=path
    )


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, longest first (least padding)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


class AudioInputDataset(torch.utils.data.Dataset):  # type: ignore[type-arg]
    """Loads each :class:`AudioInput` at the model's rate (in DataLoader workers if any)."""

    def __init__(self, inputs: Sequence[AudioInput], sample_rate: int) -> None:
        self.inputs = list(inputs)
        self.sample_rate = sample_rate

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.inputs[index].load(self.sample_rate)


def collate_audio(batch: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad with zeros: ``(signals (B, T), lengths (B))``."""
    lengths = torch.tensor([len(x) for x in batch], dtype=torch.long)
    signals = torch.zeros(len(batch), int(lengths.max()), dtype=torch.float32)
    for row, samples in enumerate(batch):
        signals[row, : len(samples)] = samples
    return signals, lengths
