"""Data loaders of the CTC models, from a ``train_ds``/``validation_ds``/``test_ds`` config.

TODO(lead): this is a stopgap manifest loader written while nemo-asr's ``data/`` package (the
audio-to-text datasets, tarred data, augmentation) was being written; it already reads
manifests and parses transcripts with that package's code. When the dataset factories are ready,
make :func:`build_dataloader` call them and delete the rest of this module; the models only use
``build_dataloader(config, text_to_ids)`` and :func:`char_parser`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import torch

from nemo.collections.asr.parts.preprocessing.manifest import ManifestEntries, read_manifest
from nemo.collections.asr.parts.preprocessing.parsers import make_parser
from nemo.collections.asr.parts.preprocessing.segment import AudioSegment
from nemo.core.classes import Dataset

__all__ = ["build_dataloader", "char_parser"]

TextToIds = Callable[[str], list[int]]


def char_parser(config: Mapping[str, Any], labels: Sequence[str]) -> TextToIds:
    """The transcript parser a character data set config asks for (NeMo's keys and defaults)."""
    parser = make_parser(
        labels,
        name=str(config.get("parser", "en")),
        unk_id=int(config.get("unk_index", -1)),
        blank_id=int(config.get("blank_index", -1)),
        do_normalize=bool(config.get("normalize_transcripts", False)),
    )
    return partial(_ids_or_empty, parser)


def _ids_or_empty(parser: Callable[[str], list[int] | None], text: str) -> list[int]:
    return parser(text) or []  # None: the text could not be normalised


class _ManifestDataset(Dataset):
    """(audio, audio length, token ids, token count) for each manifest line."""

    def __init__(
        self, entries: ManifestEntries, text_to_ids: TextToIds, sample_rate: int, trim: bool
    ) -> None:
        self.entries = entries
        self.text_to_ids = text_to_ids
        self.sample_rate = sample_rate
        self.trim = trim

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        entry = self.entries[index]
        segment = AudioSegment.from_file(
            entry.audio_file,
            target_sr=self.sample_rate,
            offset=entry.offset,
            duration=entry.duration if entry.offset else 0.0,
            trim=self.trim,
        )
        tokens = torch.tensor(self.text_to_ids(entry.text), dtype=torch.long)
        return segment.samples, tokens

    def _collate_fn(self, batch: list[Any]) -> tuple[torch.Tensor, ...]:
        audio_len = torch.tensor([len(audio) for audio, _ in batch], dtype=torch.long)
        token_len = torch.tensor([len(tokens) for _, tokens in batch], dtype=torch.long)
        audio = torch.zeros(len(batch), int(audio_len.max()))
        tokens = torch.zeros(len(batch), max(1, int(token_len.max())), dtype=torch.long)
        for row, (samples, ids) in enumerate(batch):
            audio[row, : len(samples)] = samples
            tokens[row, : len(ids)] = ids
        return audio, audio_len, tokens, token_len


def build_dataloader(config: Mapping[str, Any], text_to_ids: TextToIds) -> Any:
    """A DataLoader over the manifest(s) of ``config`` (NeMo's data set keys)."""
    entries = read_manifest(
        config["manifest_filepath"],
        min_duration=config.get("min_duration"),
        max_duration=config.get("max_duration"),
        max_utts=config.get("max_utts"),
    )
    dataset = _ManifestDataset(
        entries, text_to_ids, int(config["sample_rate"]), bool(config.get("trim_silence", False))
    )
    return torch.utils.data.DataLoader(
        dataset,
        batch_size=int(config.get("batch_size", 32)),
        shuffle=bool(config.get("shuffle", False)),
        num_workers=int(config.get("num_workers") or 0),
        pin_memory=bool(config.get("pin_memory", False)),
        drop_last=bool(config.get("drop_last", False)),
        collate_fn=dataset.collate_fn,
    )
