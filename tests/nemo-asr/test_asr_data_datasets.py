"""Manifest datasets, collate, duration bucketing and the DataLoader factory."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import pytorch_lightning as pl
import sentencepiece as spm
import torch
from asr_data_helpers import LABELS, tone, utterance_corpus, write_audio, write_manifest
from omegaconf import OmegaConf

from nemo.collections.asr.data import (
    AudioToBPEDataset,
    AudioToCharDataset,
    DurationBucketingSampler,
    get_audio_to_text_dataloader,
    get_bpe_dataset,
    get_char_dataset,
    speech_collate_fn,
)
from nemo.collections.asr.parts.preprocessing.manifest import ManifestError
from nemo.core.neural_types import AudioSignal, LabelsType, LengthsType

TEXTS = ["turn on", "open the door", "stop", "play music now", "set it", "find my red box"]


def ids(text: str) -> list[int]:
    return [LABELS.index(char) for char in text]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return utterance_corpus(tmp_path / "corpus", TEXTS)


def config(manifest: Path, **overrides: object) -> dict[str, object]:
    return {
        "manifest_filepath": str(manifest),
        "sample_rate": 16000,
        "labels": LABELS,
        "batch_size": 2,
        **overrides,
    }


def test_char_dataset_items_are_audio_and_label_ids(corpus: Path) -> None:
    dataset = AudioToCharDataset(corpus, LABELS, 16000, normalize=False)
    assert len(dataset) == len(TEXTS)
    audio, audio_len, tokens, tokens_len = dataset[2]
    assert audio.dtype == torch.float32 and audio.shape == (8000,)
    assert int(audio_len) == 8000
    assert tokens.tolist() == ids("stop") and int(tokens_len) == 4
    assert list(dataset.durations) == pytest.approx([0.3 + 0.1 * i for i in range(6)])


def test_collate_pads_as_nemo_and_types_the_batch(corpus: Path) -> None:
    dataset = AudioToCharDataset(corpus, LABELS, 16000, pad_id=27)
    audio, audio_len, tokens, tokens_len = dataset.collate_fn([dataset[0], dataset[1]])
    assert audio.shape == (2, 6400) and audio_len.tolist() == [4800, 6400]
    assert float(audio[0, 4800:].abs().max()) == 0.0
    assert tokens.shape == (2, 13) and tokens_len.tolist() == [7, 13]
    assert tokens[0].tolist() == ids("turn on") + [27] * 6
    assert isinstance(audio.neural_type.elements_type, AudioSignal)
    assert audio.neural_type.elements_type.type_parameters == {"freq": 16000}
    assert isinstance(tokens.neural_type.elements_type, LabelsType)
    assert isinstance(tokens_len.neural_type.elements_type, LengthsType)


def test_sample_ids_bos_eos_and_trim(tmp_path: Path) -> None:
    quiet = torch.zeros(8000).numpy()
    loud = tone(0.5, 300.0)
    audio = write_audio(tmp_path / "a.wav", __import__("numpy").concatenate([quiet, loud, quiet]))
    manifest = write_manifest(
        tmp_path / "m.json", [{"audio_filepath": "a.wav", "duration": 1.5, "text": "hi"}]
    )
    assert audio.exists()
    dataset = AudioToCharDataset(
        manifest, LABELS, 16000, trim=True, bos_id=28, eos_id=29, return_sample_id=True
    )
    item = dataset[0]
    assert item[2].tolist() == [28, *ids("hi"), 29]
    assert 8000 <= int(item[1]) < 8000 + 2 * 2048  # silence trimmed to within a frame
    batch = dataset.collate_fn([item])
    assert len(batch) == 5 and batch[4].tolist() == [0] and batch[4].dtype == torch.int32


def test_offsets_read_segments_of_one_file(tmp_path: Path) -> None:
    write_audio(tmp_path / "long.flac", tone(2.0, 300.0))
    manifest = write_manifest(
        tmp_path / "m.json",
        [
            {"audio_filepath": "long.flac", "duration": 0.5, "offset": 0.0, "text": "a"},
            {"audio_filepath": "long.flac", "duration": 0.25, "offset": 1.0, "text": "b"},
        ],
    )
    dataset = AudioToCharDataset(manifest, LABELS, 16000)
    assert int(dataset[0][1]) == 8000 and int(dataset[1][1]) == 4000


def test_unknown_characters_are_reported_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    manifest = utterance_corpus(tmp_path, ["Hello, world", "ok"])
    with caplog.at_level(logging.WARNING, logger="nemo"):
        dataset = AudioToCharDataset(manifest, LABELS, 16000, normalize=False)
    assert dataset[0][2].tolist() == ids("ello world")
    message = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "not labels: ',H'" in message and "normalize_transcripts: true" in message
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="nemo"):
        normalised = AudioToCharDataset(manifest, LABELS, 16000, normalize=True)
    assert normalised[0][2].tolist() == ids("hello world")
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]


def _bad_audio_corpus(root: Path) -> Path:
    """One good line and one of each kind of bad audio, in this order."""
    write_audio(root / "good.flac", tone(0.5))
    write_audio(root / "slow.wav", tone(0.5, rate=8000), rate=8000)  # usable: resampled
    (root / "corrupt.flac").write_bytes(b"fLaC but not really")
    write_audio(root / "empty.wav", tone(0.0))
    (root / "folder.wav").mkdir()
    lines = [
        {"audio_filepath": "good.flac", "duration": 0.5, "text": "a"},
        {"audio_filepath": "slow.wav", "duration": 0.5, "text": "b"},
        {"audio_filepath": "missing.wav", "duration": 1, "text": "c"},
        {"audio_filepath": "corrupt.flac", "duration": 1, "text": "d"},
        {"audio_filepath": "empty.wav", "duration": 0, "text": "e"},
        {"audio_filepath": "good.flac", "duration": 0.5, "offset": 0.7, "text": "f"},
        {"audio_filepath": "folder.wav", "duration": 1, "text": "g"},
    ]
    return write_manifest(root / "m.json", lines)


def test_a_missing_audio_file_fails_when_the_dataset_is_built(tmp_path: Path) -> None:
    manifest = _bad_audio_corpus(tmp_path)
    with pytest.raises(ManifestError, match=rf"{manifest}:3: audio file missing.wav not found "
                       r"\(a relative path is looked up in the manifest's directory .*"
                       r"skip_bad_lines: true"):  # fmt: skip
        AudioToCharDataset(manifest, LABELS, 16000)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (4, r"cannot read audio .*corrupt.flac: .*corrupt or unsupported"),
        (5, r"audio .*empty.wav has no samples"),
        (6, r"'offset' 0.7 s is past the end of .*good.flac, which lasts 0.500 s"),
    ],
)
def test_check_audio_names_each_unusable_file_by_its_line(
    tmp_path: Path, line: int, reason: str
) -> None:
    manifest = _bad_audio_corpus(tmp_path)
    lines = manifest.read_text().splitlines()
    keep = [lines[0], lines[line - 1]]  # the good line, then the bad one as line 2
    write_manifest(manifest, keep)
    AudioToCharDataset(manifest, LABELS, 16000)  # only the header can tell
    with pytest.raises(ManifestError, match=rf"{manifest}:2: {reason}"):
        AudioToCharDataset(manifest, LABELS, 16000, check_audio=True)


def test_a_directory_for_a_file_is_found_without_opening_anything(tmp_path: Path) -> None:
    manifest = _bad_audio_corpus(tmp_path)
    write_manifest(manifest, [manifest.read_text().splitlines()[i] for i in (0, 6)])
    with pytest.raises(ManifestError, match=rf"{manifest}:2: audio .*folder.wav is a directory"):
        AudioToCharDataset(manifest, LABELS, 16000)


def test_skip_bad_lines_leaves_out_bad_audio_and_counts_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    manifest = _bad_audio_corpus(tmp_path)
    with caplog.at_level(logging.INFO):
        dataset = get_char_dataset(
            config(manifest, check_audio=True, skip_bad_lines=True, sample_rate=16000)
        )
    assert [dataset.manifest.text(i) for i in range(len(dataset))] == ["a", "b"]
    assert [dataset.manifest.location(i)[1] for i in range(len(dataset))] == [1, 2]
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == 1 and "skipped 5 bad manifest line(s)" in skipped[0]
    for line in (3, 4, 5, 6, 7):
        assert f"{manifest}:{line}: " in skipped[0]
    assert "1 of 2 audio files are not at 16000 Hz (1 at 8000 Hz)" in caplog.text
    audio, length, _, _ = dataset[1]
    assert int(length) == audio.shape[0] == 8000  # 0.5 s at 8 kHz, resampled to 16 kHz


def test_audio_that_breaks_after_the_check_names_the_manifest_line(tmp_path: Path) -> None:
    manifest = utterance_corpus(tmp_path, ["ab", "cd"], suffix=".wav")
    dataset = AudioToCharDataset(manifest, LABELS, 16000, check_audio=True)
    second = Path(dataset.manifest.audio_file(1))
    second.write_bytes(b"")  # truncated to nothing while training
    with pytest.raises(OSError, match=rf"{manifest}:2: cannot read audio .*utt1.wav"):
        dataset[1]
    write_audio(second, tone(0.0))  # a valid header, no samples
    with pytest.raises(OSError, match=rf"{manifest}:2: audio .*utt1.wav has no samples"):
        dataset[1]


@pytest.fixture(scope="module")
def tokenizer() -> spm.SentencePieceProcessor:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXTS * 20),
        model_writer=model,
        vocab_size=30,
        model_type="bpe",
        minloglevel=2,
    )
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


class _Spec:
    """A NeMo TokenizerSpec-like wrapper: text_to_ids and id properties."""

    def __init__(self, processor: spm.SentencePieceProcessor) -> None:
        self.processor = processor
        self.bos_id, self.eos_id, self.pad_id = processor.bos_id(), processor.eos_id(), 5

    def text_to_ids(self, text: str) -> list[int]:
        return list(self.processor.encode_as_ids(text))


def test_bpe_dataset_uses_the_tokenizer(
    corpus: Path, tokenizer: spm.SentencePieceProcessor
) -> None:
    expected = tokenizer.encode_as_ids("open the door")
    plain = AudioToBPEDataset(corpus, tokenizer, 16000, use_start_end_token=False)
    assert plain[1][2].tolist() == expected
    spec = _Spec(tokenizer)
    framed = AudioToBPEDataset(corpus, spec, 16000)
    assert framed[1][2].tolist() == [tokenizer.bos_id(), *expected, tokenizer.eos_id()]
    assert framed.pad_id == 5
    batch = framed.collate_fn([framed[0], framed[1]])
    assert 5 in batch[2][0].tolist()
    loader = get_audio_to_text_dataloader(config(corpus, batch_size=3), tokenizer=spec)
    assert loader is not None and isinstance(loader.dataset, AudioToBPEDataset)
    with pytest.raises(TypeError, match="is not a tokenizer"):
        AudioToBPEDataset(corpus, object(), 16000)


def test_factories_read_nemo_config_keys(
    corpus: Path, tokenizer: spm.SentencePieceProcessor
) -> None:
    cfg = OmegaConf.create(config(corpus, max_duration=0.65, normalize_transcripts=True))
    dataset = get_char_dataset(cfg)
    assert isinstance(dataset, AudioToCharDataset) and len(dataset) == 4
    assert get_bpe_dataset(config(corpus, max_utts=2), tokenizer).__len__() == 2
    with pytest.raises(ValueError, match="needs 'labels'"):
        get_char_dataset({"manifest_filepath": str(corpus), "sample_rate": 16000})
    with pytest.raises(ValueError, match="needs 'sample_rate'"):
        get_char_dataset({"manifest_filepath": str(corpus), "labels": LABELS})


def test_dataloader_from_config(corpus: Path, tmp_path: Path) -> None:
    second = utterance_corpus(tmp_path / "second", ["go"])
    cfg = config(f"{corpus},{second}", batch_size=4, shuffle=True, drop_last=True)
    loader = get_audio_to_text_dataloader(OmegaConf.create(cfg))
    assert loader is not None and len(loader.dataset) == 7
    batches = list(loader)
    assert len(batches) == 1 and batches[0][0].shape[0] == 4
    override = get_audio_to_text_dataloader(config(corpus), labels=[" ", "o", "n"])
    assert override is not None
    assert override.dataset[0][2].tolist() == [2, 0, 1, 2]  # "turn on": t, u, r vanish


def test_null_manifest_gives_no_loader_and_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="nemo"):
        assert get_audio_to_text_dataloader({"manifest_filepath": None, "batch_size": 4}) is None
    assert "'manifest_filepath' is null" in caplog.text
    with pytest.raises(ValueError, match="needs 'manifest_filepath'"):
        get_audio_to_text_dataloader({"sample_rate": 16000, "labels": LABELS, "batch_size": 2})
    with pytest.raises(ValueError, match="use_dali"):
        get_audio_to_text_dataloader({"manifest_filepath": "x.json", "use_dali": True})


def test_bad_lines_are_skipped_when_asked(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    manifest = utterance_corpus(tmp_path, ["a", "b"])
    with manifest.open("a") as handle:
        handle.write('{"audio_filepath": "audio/utt0.flac", "text": "no duration"}\n')
    with pytest.raises(ValueError, match=rf"{manifest}:3: no 'duration'"):
        get_audio_to_text_dataloader(config(manifest))
    loader = get_audio_to_text_dataloader(config(manifest, skip_bad_lines=True))
    assert loader is not None and len(loader.dataset) == 2


def test_duration_bucketing_cuts_padding(tmp_path: Path) -> None:
    lengths = [0.2, 1.6, 0.3, 1.5, 0.25, 1.7, 0.35, 1.4]
    lines = []
    for index, seconds in enumerate(lengths):
        write_audio(tmp_path / f"{index}.wav", tone(seconds))
        lines.append({"audio_filepath": f"{index}.wav", "duration": seconds, "text": "x"})
    manifest = write_manifest(tmp_path / "m.json", lines)

    def padding(**options: object) -> float:
        loader = get_audio_to_text_dataloader(
            config(manifest, batch_size=4, shuffle=True, **options)
        )
        assert loader is not None
        padded = total = 0
        for audio, audio_len, _, _ in loader:
            padded += audio.numel()
            total += int(audio_len.sum())
        return 1 - total / padded

    bucketed = padding(duration_bucketing=True, bucketing_pool=2)
    assert bucketed < 0.2
    # a random split is as good 2 times in 70: compare with the mean of a few, seeded
    torch.manual_seed(0)
    shuffled = [padding(duration_bucketing=False) for _ in range(5)]
    assert bucketed < sum(shuffled) / len(shuffled)


def test_bucketing_sampler_batches() -> None:
    durations = [float(d) for d in range(1, 24)]
    sampler = DurationBucketingSampler(durations, 5, pool_batches=2, seed=4)
    batches = sampler.batches()
    assert sorted(i for b in batches for i in b) == list(range(23))
    assert [len(b) for b in batches][-1] == 3 and len(sampler) == 23
    for batch in batches:  # cut from a pool sorted by duration
        assert [durations[i] for i in batch] == sorted(durations[i] for i in batch)
    whole = DurationBucketingSampler(durations, 5, pool_batches=0, seed=4).batches()
    for batch in whole[:-1]:  # everything sorted: each batch is a run of neighbours
        assert max(durations[i] for i in batch) - min(durations[i] for i in batch) == 4
    first_epoch = list(sampler)
    assert list(sampler) != first_epoch  # a second pass without set_epoch: next epoch
    sampler.set_epoch(0)
    assert list(sampler) == first_epoch
    ordered = DurationBucketingSampler(durations[::-1], 5, shuffle=False, pool_batches=0)
    assert [durations[::-1][i] for i in ordered] == sorted(durations)
    dropped = DurationBucketingSampler(durations, 5, drop_last=True)
    assert len(dropped) == 20 and len(list(dropped)) == 20


def test_bucketing_sampler_gives_ranks_disjoint_equal_shares() -> None:
    durations = [float(d % 9) for d in range(50)]
    shares = [
        list(DurationBucketingSampler(durations, 4, num_replicas=3, rank=r, seed=1))
        for r in range(3)
    ]
    assert {len(share) for share in shares} == {len(shares[0])} and len(shares[0]) == 20
    assert set().union(*map(set, shares)) == set(range(50))
    trimmed = [
        set(DurationBucketingSampler(durations, 4, num_replicas=3, rank=r, drop_last=True))
        for r in range(3)
    ]
    assert all(len(share) == 16 for share in trimmed)
    assert not (trimmed[0] & trimmed[1]) and not (trimmed[1] & trimmed[2])
    with pytest.raises(ValueError, match="rank 3 is outside"):
        DurationBucketingSampler(durations, 4, num_replicas=3, rank=3)


def test_loader_with_workers(corpus: Path) -> None:
    loader = get_audio_to_text_dataloader(
        config(corpus, batch_size=3, num_workers=2, augmentor={"gain": {"prob": 1.0}})
    )
    assert loader is not None
    lengths = sorted(int(n) for batch in loader for n in batch[1])
    assert lengths == [round(16000 * (0.3 + 0.1 * i)) for i in range(6)]


def test_collate_rejects_an_empty_batch() -> None:
    with pytest.raises(ValueError, match="empty batch"):
        speech_collate_fn([])


def test_lightning_keeps_the_bucketing_sampler_and_sets_its_epoch(
    corpus: Path, quiet_trainer: Callable[..., pl.Trainer]
) -> None:
    loader = get_audio_to_text_dataloader(
        config(corpus, shuffle=True, duration_bucketing=True, bucketing_pool=1)
    )
    seen: list[tuple[int, int, list[int]]] = []

    class Probe(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.weight = torch.nn.Parameter(torch.zeros(1))

        def training_step(self, batch: tuple[torch.Tensor, ...], index: int) -> torch.Tensor:
            sampler = self.trainer.train_dataloader.sampler  # type: ignore[union-attr]
            seen.append((self.current_epoch, sampler.epoch, batch[1].tolist()))
            return (self.weight * batch[0].mean()).sum()

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.SGD(self.parameters(), lr=0.1)

    trainer = quiet_trainer(max_epochs=2)
    trainer.fit(Probe(), train_dataloaders=loader)
    assert isinstance(trainer.train_dataloader.sampler, DurationBucketingSampler)  # type: ignore[union-attr]
    assert [(epoch, sampler_epoch) for epoch, sampler_epoch, _ in seen] == [(0, 0)] * 3 + [
        (1, 1)
    ] * 3
    lengths = [sorted(n for _, _, batch in seen[e * 3 : e * 3 + 3] for n in batch) for e in (0, 1)]
    assert lengths[0] == lengths[1] == [round(16000 * (0.3 + 0.1 * i)) for i in range(6)]
