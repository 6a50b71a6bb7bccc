"""Speech datasets: (audio, transcript ids) pairs from manifests or from sharded tar files.

Every dataset yields ``(audio [T], audio_len, tokens [U], tokens_len)`` (plus the sample index
with ``return_sample_id``) and batches them with :func:`speech_collate_fn`, NeMo's layout:
``(audio [B, T], audio_len [B], tokens [B, U], tokens_len [B])``, audio padded with zeros and
tokens with ``pad_id``.

* :class:`AudioToCharDataset` / :class:`AudioToBPEDataset`: map-style, from manifests.
* :class:`TarredAudioToCharDataset` / :class:`TarredAudioToBPEDataset`: iterable, streaming the
  audio out of tar shards (see :mod:`.tarred_shards`), for data that outgrows one disk or node.

Char datasets take ``labels`` and NeMo's parser options; BPE datasets take a tokenizer with
``text_to_ids`` (NeMo's ``TokenizerSpec``) or a ``sentencepiece.SentencePieceProcessor``.
Transcripts are tokenised when an item is loaded, not up front, so a large manifest costs no
token lists in memory.

Bad audio is found when a map-style dataset is built: a missing file always, an unreadable or
empty one (or an offset past its end) with ``check_audio=True``; either raises with the
manifest's ``file:line`` or, with ``skip_bad_lines=True``, is left out and counted. A file that
still fails when loaded raises with its ``file:line`` too.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import torch

from nemo.collections.asr.data.tarred_shards import (
    expand_sharded_filepaths,
    file_id,
    iterate_tar_members,
    shards_for_rank,
    shards_for_worker,
    shuffle_buffer,
)
from nemo.collections.asr.parts.preprocessing.audio_check import check_manifest_audio
from nemo.collections.asr.parts.preprocessing.featurizer import WaveformFeaturizer
from nemo.collections.asr.parts.preprocessing.manifest import ManifestEntries, read_manifest
from nemo.collections.asr.parts.preprocessing.parsers import CharParser, make_parser
from nemo.collections.asr.parts.preprocessing.perturb import AudioAugmentor
from nemo.core.classes import Dataset, IterableDataset
from nemo.core.neural_types import AudioSignal, LabelsType, LengthsType, NeuralType
from nemo.utils import logging

__all__ = [
    "AudioToBPEDataset",
    "AudioToCharDataset",
    "TarredAudioToBPEDataset",
    "TarredAudioToCharDataset",
    "speech_collate_fn",
]

TextToIds = Callable[[str], "list[int] | None"]
Item = tuple[torch.Tensor, ...]
ManifestPaths = str | Path | Sequence[str | Path]


def speech_collate_fn(batch: Sequence[Item], pad_id: int = 0) -> tuple[torch.Tensor, ...]:
    """Pad and stack items into ``(audio, audio_len, tokens, tokens_len[, sample_id])``."""
    if not batch:
        raise ValueError("cannot collate an empty batch")
    audio_lengths = torch.stack([item[1] for item in batch]).long()
    token_lengths = torch.stack([item[3] for item in batch]).long()
    audio = torch.zeros(len(batch), int(audio_lengths.max()), dtype=batch[0][0].dtype)
    tokens = torch.full((len(batch), int(token_lengths.max())), pad_id, dtype=torch.long)
    for row, item in enumerate(batch):
        audio[row, : item[0].shape[0]] = item[0]
        tokens[row, : item[2].shape[0]] = item[2]
    if len(batch[0]) == 5:
        sample_ids = torch.tensor([int(item[4]) for item in batch], dtype=torch.int32)
        return audio, audio_lengths, tokens, token_lengths, sample_ids
    return audio, audio_lengths, tokens, token_lengths


def _output_types(sample_rate: int) -> dict[str, NeuralType]:
    return {
        "audio_signal": NeuralType(("B", "T"), AudioSignal(freq=sample_rate)),
        "a_sig_length": NeuralType(tuple("B"), LengthsType()),
        "transcripts": NeuralType(("B", "T"), LabelsType()),
        "transcript_length": NeuralType(tuple("B"), LengthsType()),
        "sample_id": NeuralType(tuple("B"), LengthsType(), optional=True),
    }


class _Transcripts(NamedTuple):
    """How a dataset turns transcripts into token ids: a character parser or a tokenizer."""

    text_to_ids: TextToIds
    bos_id: int | None
    eos_id: int | None
    pad_id: int


def _char_transcripts(
    labels: Sequence[str],
    parser: str | CharParser,
    *,
    unk_index: int,
    blank_index: int,
    normalize: bool,
    bos_id: int | None,
    eos_id: int | None,
    pad_id: int,
) -> _Transcripts:
    if not isinstance(parser, CharParser):
        if not labels:
            raise ValueError(
                "a character dataset needs labels (the model's vocabulary): set labels in the "
                "dataset config or the model config"
            )
        parser = make_parser(
            labels=labels,
            name=parser,
            unk_id=unk_index,
            blank_id=blank_index,
            do_normalize=normalize,
        )
    return _Transcripts(parser, bos_id, eos_id, pad_id)


def _bpe_transcripts(tokenizer: Any, use_start_end_token: bool) -> _Transcripts:
    """The ids of a NeMo tokenizer (``text_to_ids``) or a SentencePiece model (``encode_as_ids``).

    ``use_start_end_token`` adds the tokenizer's ``bos_id``/``eos_id`` when it defines them (as
    non-negative ids); padding uses its ``pad_id`` if it has one, else 0.
    """
    if hasattr(tokenizer, "text_to_ids"):
        text_to_ids = tokenizer.text_to_ids
    elif hasattr(tokenizer, "encode_as_ids"):
        text_to_ids = tokenizer.encode_as_ids
    else:
        raise TypeError(
            f"{type(tokenizer).__name__} is not a tokenizer: it needs text_to_ids(text) (NeMo's "
            "TokenizerSpec) or encode_as_ids(text) (a SentencePieceProcessor)"
        )

    def special(name: str) -> int | None:
        value = getattr(tokenizer, name, None)
        value = value() if callable(value) else value
        return value if isinstance(value, int) and value >= 0 else None

    bos = special("bos_id") if use_start_end_token else None
    eos = special("eos_id") if use_start_end_token else None
    pad = special("pad_id")
    return _Transcripts(text_to_ids, bos, eos, 0 if pad is None else pad)


def _warn_unknown_characters(
    transcripts: _Transcripts, manifest: ManifestEntries, where: ManifestPaths, unk_index: int
) -> None:
    parser = transcripts.text_to_ids
    assert isinstance(parser, CharParser)
    unknown = parser.unknown_characters(manifest.texts)
    if not unknown:
        return
    fate = "are dropped" if unk_index == -1 else f"become unk_index {unk_index}"
    logging.warning(
        f"transcripts of {where} contain characters that are not labels: "
        f"{''.join(sorted(unknown))!r}; they {fate} (NeMo's behaviour). Set "
        "normalize_transcripts: true, or add them to labels"
    )


class _Utterances:
    """What map-style and tarred datasets share: the manifest, audio loading, tokenisation."""

    def __init__(
        self,
        manifest_filepath: ManifestPaths,
        transcripts: _Transcripts,
        *,
        sample_rate: int,
        int_values: bool,
        augmentor: AudioAugmentor | None,
        max_duration: float | None,
        min_duration: float | None,
        max_utts: int | None,
        trim: bool,
        return_sample_id: bool,
        skip_bad_lines: bool,
        check_audio: bool | None,
    ) -> None:
        manifest = read_manifest(
            manifest_filepath,
            min_duration=min_duration,
            max_duration=max_duration,
            max_utts=max_utts,
            skip_bad_lines=skip_bad_lines,
        )
        if check_audio is not None:  # None: the audio is in tar shards, read as it streams
            manifest = check_manifest_audio(
                manifest,
                sample_rate=sample_rate,
                read_headers=check_audio,
                skip_bad_lines=skip_bad_lines,
            )
        self.manifest = manifest
        self.transcripts = transcripts
        self.featurizer = WaveformFeaturizer(
            sample_rate=sample_rate, int_values=int_values, augmentor=augmentor
        )
        self.trim = trim
        self.return_sample_id = return_sample_id

    def tokens(self, index: int) -> list[int]:
        bos_id, eos_id = self.transcripts.bos_id, self.transcripts.eos_id
        ids = list(self.transcripts.text_to_ids(self.manifest.text(index)) or [])
        if bos_id is not None:
            ids.insert(0, bos_id)
        if eos_id is not None:
            ids.append(eos_id)
        return ids

    def item(self, index: int, source: str | io.BytesIO | None = None) -> Item:
        manifest = self.manifest
        try:
            audio = self.featurizer.process(
                manifest.audio_file(index) if source is None else source,
                offset=manifest.offsets[index],
                duration=manifest.durations[index],
                trim=self.trim,
            )
        except OSError as error:
            path, line = manifest.location(index)
            raise OSError(f"{path}:{line}: {error}") from error
        tokens = torch.tensor(self.tokens(index), dtype=torch.long)
        item = (
            audio,
            torch.tensor(audio.shape[0]).long(),
            tokens,
            torch.tensor(len(tokens)).long(),
        )
        return (*item, torch.tensor(index)) if self.return_sample_id else item


class _SpeechDataset:
    """The surface map-style and tarred datasets share, over their :class:`_Utterances`.

    Listed before nemo.core's ``Dataset``/``IterableDataset`` among the bases.
    """

    def __init__(self, utterances: _Utterances) -> None:
        self._utterances = utterances
        self.pad_id = utterances.transcripts.pad_id

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return _output_types(self._utterances.featurizer.sample_rate)

    @property
    def manifest(self) -> ManifestEntries:
        return self._utterances.manifest

    @property
    def featurizer(self) -> WaveformFeaturizer:
        return self._utterances.featurizer

    def _collate_fn(self, batch: list[Item]) -> tuple[torch.Tensor, ...]:
        return speech_collate_fn(batch, self.pad_id)


class _AudioTextDataset(_SpeechDataset, Dataset):
    """Map-style: item ``i`` is manifest entry ``i``."""

    @property
    def durations(self) -> Sequence[float]:
        """Per-item durations in seconds, for duration-bucketed batching."""
        return self.manifest.durations

    def __len__(self) -> int:
        return len(self.manifest)

    def __getitem__(self, index: int) -> Item:
        return self._utterances.item(index)


class AudioToCharDataset(_AudioTextDataset):
    """Audio and character ids from manifests (NeMo's constructor; ``skip_bad_lines`` and
    ``check_audio`` are ours: see :mod:`~nemo.collections.asr.parts.preprocessing.audio_check`)."""

    def __init__(
        self,
        manifest_filepath: ManifestPaths,
        labels: Sequence[str],
        sample_rate: int,
        int_values: bool = False,
        augmentor: AudioAugmentor | None = None,
        max_duration: float | None = None,
        min_duration: float | None = None,
        max_utts: int | None = 0,
        blank_index: int = -1,
        unk_index: int = -1,
        normalize: bool = True,
        trim: bool = False,
        bos_id: int | None = None,
        eos_id: int | None = None,
        pad_id: int = 0,
        parser: str | CharParser = "en",
        return_sample_id: bool = False,
        skip_bad_lines: bool = False,
        check_audio: bool = False,
    ) -> None:
        self.labels = list(labels)
        transcripts = _char_transcripts(
            labels,
            parser,
            unk_index=unk_index,
            blank_index=blank_index,
            normalize=normalize,
            bos_id=bos_id,
            eos_id=eos_id,
            pad_id=pad_id,
        )
        utterances = _Utterances(
            manifest_filepath,
            transcripts,
            sample_rate=sample_rate,
            int_values=int_values,
            augmentor=augmentor,
            max_duration=max_duration,
            min_duration=min_duration,
            max_utts=max_utts,
            trim=trim,
            return_sample_id=return_sample_id,
            skip_bad_lines=skip_bad_lines,
            check_audio=check_audio,
        )
        super().__init__(utterances)
        _warn_unknown_characters(transcripts, self.manifest, manifest_filepath, unk_index)


class AudioToBPEDataset(_AudioTextDataset):
    """Audio and subword ids from manifests, tokenised by ``tokenizer``.

    ``use_start_end_token`` adds the tokenizer's ``bos_id``/``eos_id`` when it defines them (as
    non-negative ids); padding uses its ``pad_id`` if it has one, else 0.
    """

    def __init__(
        self,
        manifest_filepath: ManifestPaths,
        tokenizer: Any,
        sample_rate: int,
        int_values: bool = False,
        augmentor: AudioAugmentor | None = None,
        max_duration: float | None = None,
        min_duration: float | None = None,
        max_utts: int | None = 0,
        trim: bool = False,
        use_start_end_token: bool = True,
        return_sample_id: bool = False,
        skip_bad_lines: bool = False,
        check_audio: bool = False,
    ) -> None:
        self.tokenizer = tokenizer
        utterances = _Utterances(
            manifest_filepath,
            _bpe_transcripts(tokenizer, use_start_end_token),
            sample_rate=sample_rate,
            int_values=int_values,
            augmentor=augmentor,
            max_duration=max_duration,
            min_duration=min_duration,
            max_utts=max_utts,
            trim=trim,
            return_sample_id=return_sample_id,
            skip_bad_lines=skip_bad_lines,
            check_audio=check_audio,
        )
        super().__init__(utterances)


class _TarredAudioTextDataset(_SpeechDataset, IterableDataset):
    """Iterable: streams tar shards, joining members to manifest entries by file id.

    A member whose file id no (kept) manifest entry has is skipped; one audio file referenced by
    several entries (segments with offsets) yields one item per entry. With ``shuffle_n > 0``
    the shard order is shuffled and items pass through a shuffle buffer of that size, drawn
    from torch's seed (per worker, per epoch).
    """

    def __init__(
        self,
        audio_tar_filepaths: str | Sequence[str],
        utterances: _Utterances,
        *,
        shuffle_n: int,
        shard_strategy: str,
        global_rank: int,
        world_size: int,
    ) -> None:
        super().__init__(utterances)
        self._all_shards = expand_sharded_filepaths(audio_tar_filepaths)
        self._shards = shards_for_rank(self._all_shards, shard_strategy, global_rank, world_size)
        self._by_file_id = _index_by_file_id(utterances.manifest)
        self.shuffle_n = int(shuffle_n or 0)
        self._epoch = 0

    @property
    def shards(self) -> list[str]:
        """The shards this rank reads (before the split between DataLoader workers)."""
        return list(self._shards)

    def __len__(self) -> int:
        """Utterances this rank yields per epoch, assuming equally filled shards (as the
        conversion tool writes them); with one rank, exactly the manifest's kept entries.
        """
        return round(len(self.manifest) * len(self._shards) / len(self._all_shards))

    def __iter__(self) -> Iterator[Item]:
        info = torch.utils.data.get_worker_info()
        shards = self._shards
        if info is not None:
            shards = shards_for_worker(shards, info.id, info.num_workers)
        rng = random.Random(f"{torch.initial_seed()}:{self._epoch}")
        self._epoch += 1
        if self.shuffle_n > 0:
            shards = list(shards)
            rng.shuffle(shards)
        for index, data in shuffle_buffer(self._joined(shards), self.shuffle_n, rng):
            yield self._utterances.item(index, io.BytesIO(data))

    def _joined(self, shards: Sequence[str]) -> Iterator[tuple[int, bytes]]:
        """``(entry index, audio bytes)`` for every member some manifest entry refers to."""
        for name, data in iterate_tar_members(shards):
            found = self._by_file_id.get(file_id(name))
            if isinstance(found, int):
                yield found, data
            elif found is not None:
                for index in found:
                    yield index, data


def _index_by_file_id(manifest: ManifestEntries) -> dict[str, int | list[int]]:
    """File id -> entry index, or a list of them for a file several entries share (an int per
    entry, not a list, keeps a million-entry index small)."""
    by_file_id: dict[str, int | list[int]] = {}
    for index in range(len(manifest)):
        key = file_id(manifest.raw_audio_file(index))
        known = by_file_id.setdefault(key, index)
        if known != index:
            by_file_id[key] = [*known, index] if isinstance(known, list) else [known, index]
    return by_file_id


class TarredAudioToCharDataset(_TarredAudioTextDataset):
    """Character ids with audio streamed from tar shards (NeMo's constructor)."""

    def __init__(
        self,
        audio_tar_filepaths: str | Sequence[str],
        manifest_filepath: ManifestPaths,
        labels: Sequence[str],
        sample_rate: int,
        int_values: bool = False,
        augmentor: AudioAugmentor | None = None,
        shuffle_n: int = 0,
        min_duration: float | None = None,
        max_duration: float | None = None,
        max_utts: int | None = 0,
        blank_index: int = -1,
        unk_index: int = -1,
        normalize: bool = False,
        trim: bool = False,
        bos_id: int | None = None,
        eos_id: int | None = None,
        parser: str | CharParser = "en",
        pad_id: int = 0,
        shard_strategy: str = "scatter",
        global_rank: int = 0,
        world_size: int = 0,
        return_sample_id: bool = False,
        skip_bad_lines: bool = False,
    ) -> None:
        self.labels = list(labels)
        transcripts = _char_transcripts(
            labels,
            parser,
            unk_index=unk_index,
            blank_index=blank_index,
            normalize=normalize,
            bos_id=bos_id,
            eos_id=eos_id,
            pad_id=pad_id,
        )
        utterances = _Utterances(
            manifest_filepath,
            transcripts,
            sample_rate=sample_rate,
            int_values=int_values,
            augmentor=augmentor,
            max_duration=max_duration,
            min_duration=min_duration,
            max_utts=max_utts,
            trim=trim,
            return_sample_id=return_sample_id,
            skip_bad_lines=skip_bad_lines,
            check_audio=None,
        )
        super().__init__(
            audio_tar_filepaths,
            utterances,
            shuffle_n=shuffle_n,
            shard_strategy=shard_strategy,
            global_rank=global_rank,
            world_size=world_size,
        )
        _warn_unknown_characters(transcripts, self.manifest, manifest_filepath, unk_index)


class TarredAudioToBPEDataset(_TarredAudioTextDataset):
    """Subword ids with audio streamed from tar shards (NeMo's constructor)."""

    def __init__(
        self,
        audio_tar_filepaths: str | Sequence[str],
        manifest_filepath: ManifestPaths,
        tokenizer: Any,
        sample_rate: int,
        int_values: bool = False,
        augmentor: AudioAugmentor | None = None,
        shuffle_n: int = 0,
        min_duration: float | None = None,
        max_duration: float | None = None,
        max_utts: int | None = 0,
        trim: bool = False,
        use_start_end_token: bool = True,
        shard_strategy: str = "scatter",
        global_rank: int = 0,
        world_size: int = 0,
        return_sample_id: bool = False,
        skip_bad_lines: bool = False,
    ) -> None:
        self.tokenizer = tokenizer
        utterances = _Utterances(
            manifest_filepath,
            _bpe_transcripts(tokenizer, use_start_end_token),
            sample_rate=sample_rate,
            int_values=int_values,
            augmentor=augmentor,
            max_duration=max_duration,
            min_duration=min_duration,
            max_utts=max_utts,
            trim=trim,
            return_sample_id=return_sample_id,
            skip_bad_lines=skip_bad_lines,
            check_audio=None,
        )
        super().__init__(
            audio_tar_filepaths,
            utterances,
            shuffle_n=shuffle_n,
            shard_strategy=shard_strategy,
            global_rank=global_rank,
            world_size=world_size,
        )
