"""NeMo TTS manifests as training batches: audio, token ids, alignment prior, pitch contour.

Lines are NeMo's (``audio_filepath``, ``duration``, ``text``; ``normalized_text`` is what the
generator reproduces when present). Text goes through the model's own normaliser and tokenizer,
so training and ``parse`` see the same ids. Mel spectrograms are computed by the model from the
audio (on the device, by the shared preprocessor); the pitch contour is computed here once per
utterance and kept (it needs the whole file and is not cheap).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from nemo.collections.tts.data._audio import read_entry_audio
from nemo.collections.tts.parts.utils.helpers import beta_binomial_prior_distribution
from nemo.collections.tts.parts.utils.pitch import extract_pitch
from nemo.core.audio.manifest import ManifestError, read_manifest
from nemo.core.classes import Dataset

__all__ = ["TTSDataset", "pitch_statistics"]


class TTSDataset(Dataset):
    def __init__(
        self,
        manifest_filepath: str | Sequence[str],
        sample_rate: int,
        text_normalizer: Callable[[str], str],
        text_tokenizer: Any,
        hop_length: int,
        win_length: int,
        pitch_mean: float | None = None,
        pitch_std: float | None = None,
        min_duration: float | None = None,
        max_duration: float | None = None,
        skip_bad_lines: bool = False,
    ) -> None:
        super().__init__()
        self.entries = read_manifest(
            manifest_filepath,
            min_duration=min_duration,
            max_duration=max_duration,
            skip_bad_lines=skip_bad_lines,
        )
        if not len(self.entries):
            raise ValueError(f"{manifest_filepath}: no utterance to train on (check durations)")
        self.sample_rate = sample_rate
        self.hop_length = hop_length
        self.win_length = win_length
        self.pitch_mean = pitch_mean
        self.pitch_std = pitch_std
        self.tokens = [
            torch.tensor(text_tokenizer.encode(text_normalizer(text)), dtype=torch.long)
            for text in self.entries.texts
        ]
        for index, tokens in enumerate(self.tokens):
            if not len(tokens):
                path, line = self.entries.location(index)
                raise ManifestError(path, line, "the text is empty after normalisation")
        self._pitch: dict[int, torch.Tensor] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def load_audio(self, index: int) -> torch.Tensor:
        return read_entry_audio(self.entries, index, self.sample_rate)

    def raw_pitch(self, index: int, audio: torch.Tensor | None = None) -> torch.Tensor:
        """f0 in Hz per mel frame (0: unvoiced), computed once."""
        if index not in self._pitch:
            audio = self.load_audio(index) if audio is None else audio
            frames = len(audio) // self.hop_length
            self._pitch[index] = extract_pitch(
                audio, self.sample_rate, self.hop_length, self.win_length, frames
            )
        return self._pitch[index]

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        audio = self.load_audio(index)
        tokens = self.tokens[index]
        frames = len(audio) // self.hop_length
        if frames < len(tokens):
            manifest, line = self.entries.location(index)
            raise ManifestError(
                manifest,
                line,
                f"{frames} mel frames for {len(tokens)} tokens: the audio is too short for its "
                "text (every token needs at least one frame)",
            )
        pitch = self.raw_pitch(index, audio)
        if self.pitch_mean is not None and self.pitch_std is not None:
            voiced = pitch > 0
            pitch = torch.where(voiced, (pitch - self.pitch_mean) / self.pitch_std, pitch)
        return {
            "audio": audio,
            "tokens": tokens,
            "prior": beta_binomial_prior_distribution(len(tokens), frames),
            "pitch": pitch,
        }

    def collate_fn(self, items: Sequence[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
        audio_lens = torch.tensor([len(item["audio"]) for item in items])
        token_lens = torch.tensor([len(item["tokens"]) for item in items])
        frames = torch.tensor([len(item["pitch"]) for item in items])
        batch = len(items)
        audio = torch.zeros(batch, int(audio_lens.max()))
        tokens = torch.zeros(batch, int(token_lens.max()), dtype=torch.long)
        prior = torch.zeros(batch, int(frames.max()), int(token_lens.max()))
        pitch = torch.zeros(batch, int(frames.max()))
        for i, item in enumerate(items):
            audio[i, : audio_lens[i]] = item["audio"]
            tokens[i, : token_lens[i]] = item["tokens"]
            prior[i, : frames[i], : token_lens[i]] = item["prior"]
            pitch[i, : frames[i]] = item["pitch"]
        return {
            "audio": audio,
            "audio_lens": audio_lens,
            "text": tokens,
            "text_lens": token_lens,
            "align_prior_matrix": prior,
            "pitch": pitch,
        }


def pitch_statistics(dataset: TTSDataset) -> tuple[float, float]:
    """Mean and std (Hz) of the voiced frames of every utterance: ``pitch_mean``/``pitch_std``."""
    voiced = torch.cat(
        [dataset.raw_pitch(i)[dataset.raw_pitch(i) > 0] for i in range(len(dataset))]
    )
    if not len(voiced):
        raise ValueError("no voiced frame in the training set: is the audio speech?")
    return float(voiced.mean()), float(voiced.std())
