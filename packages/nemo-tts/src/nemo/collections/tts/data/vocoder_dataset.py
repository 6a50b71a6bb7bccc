"""Audio clips for vocoder training: random fixed-length segments (train) or whole files.

A vocoder learns mel → waveform locally (its receptive field is a fraction of a second), so
training on short random segments is as good as on whole files and much cheaper. The mel is
computed by the model from the same audio, so input and target always agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from nemo.collections.tts.data._audio import read_entry_audio
from nemo.core.audio.manifest import read_manifest
from nemo.core.classes import Dataset

__all__ = ["VocoderDataset"]


class VocoderDataset(Dataset):
    def __init__(
        self,
        manifest_filepath: str | Sequence[str],
        sample_rate: int,
        n_segments: int | None = None,
        max_duration: float | None = None,
        min_duration: float | None = None,
        skip_bad_lines: bool = False,
    ) -> None:
        super().__init__()
        self.entries = read_manifest(
            manifest_filepath,
            min_duration=min_duration,
            max_duration=max_duration,
            skip_bad_lines=skip_bad_lines,
            require_text=False,
        )
        if not len(self.entries):
            raise ValueError(f"{manifest_filepath}: no utterance to train on (check durations)")
        self.sample_rate = sample_rate
        self.n_segments = n_segments

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index: int) -> torch.Tensor:
        audio = read_entry_audio(self.entries, index, self.sample_rate)
        if self.n_segments is None:
            return audio
        if len(audio) <= self.n_segments:
            return torch.nn.functional.pad(audio, (0, self.n_segments - len(audio)))
        start = int(torch.randint(0, len(audio) - self.n_segments + 1, ()))
        return audio[start : start + self.n_segments]

    def collate_fn(self, items: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        lengths = torch.tensor([len(item) for item in items])
        audio = torch.zeros(len(items), int(lengths.max()))
        for i, item in enumerate(items):
            audio[i, : len(item)] = item
        return {"audio": audio, "audio_lens": lengths}
