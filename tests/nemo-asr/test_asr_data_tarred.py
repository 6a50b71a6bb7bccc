"""Sharded tar datasets: brace patterns, the conversion tool, rank and worker sharding."""

from __future__ import annotations

import json
import random
import tarfile
from pathlib import Path

import pytest
import torch
from asr_data_helpers import LABELS, tone, utterance_corpus, write_audio, write_manifest

from nemo.collections.asr.data import TarredAudioToCharDataset, get_audio_to_text_dataloader
from nemo.collections.asr.data.tarred_shards import (
    expand_sharded_filepaths,
    shards_for_rank,
    shards_for_worker,
    shuffle_buffer,
)
from nemo.collections.asr.data.tarred_writer import create_tarred_dataset

TOOL = Path(__file__).resolve().parents[2] / "tools" / "convert_to_tarred_audio_dataset.py"
TEXTS = [f"utterance {word}" for word in "abcdefghijkl"]  # 12 utterances


def test_brace_expansion() -> None:
    assert expand_sharded_filepaths("d/audio_{0..3}.tar") == [f"d/audio_{i}.tar" for i in range(4)]
    assert expand_sharded_filepaths("a_{08..10}.tar") == ["a_08.tar", "a_09.tar", "a_10.tar"]
    assert expand_sharded_filepaths("{x,y}_{0..1}.tar") == [
        "x_0.tar",
        "x_1.tar",
        "y_0.tar",
        "y_1.tar",
    ]
    assert expand_sharded_filepaths("a_OP_0..1_CL_.tar") == ["a0.tar", "a1.tar"]
    assert expand_sharded_filepaths(["p.tar", "q_{1..2}.tar"]) == ["p.tar", "q_1.tar", "q_2.tar"]
    with pytest.raises(ValueError, match=r"cannot expand \{abc\}"):
        expand_sharded_filepaths("a_{abc}.tar")


def test_rank_and_worker_sharding(caplog: pytest.LogCaptureFixture) -> None:
    shards = [f"s{i}" for i in range(8)]
    scattered = [shards_for_rank(shards, "scatter", rank, 4) for rank in range(4)]
    assert scattered == [["s0", "s1"], ["s2", "s3"], ["s4", "s5"], ["s6", "s7"]]
    assert shards_for_rank(shards, "replicate", 2, 4) == shards
    assert shards_for_rank(shards, "scatter", 0, 1) == shards
    assert shards_for_rank(shards, "scatter", 2, 3) == ["s4", "s5"]  # s6, s7 are left out
    assert "the last 2 are not read" in caplog.text
    with pytest.raises(ValueError, match="cannot be scattered over 9 ranks"):
        shards_for_rank(shards, "scatter", 0, 9)
    with pytest.raises(ValueError, match="tarred_shard_strategy must be one of"):
        shards_for_rank(shards, "spread", 0, 2)
    assert shards_for_worker(shards, 1, 3) == ["s1", "s4", "s7"]


def test_shuffle_buffer_keeps_every_item_and_mixes_them() -> None:
    items = list(range(100))
    shuffled = list(shuffle_buffer(items, 10, random.Random(0)))
    assert sorted(shuffled) == items and shuffled != items
    assert list(shuffle_buffer(items, 0, random.Random(0))) == items


@pytest.fixture
def tarred(tmp_path: Path) -> Path:
    manifest = utterance_corpus(tmp_path / "plain", TEXTS)
    create_tarred_dataset(manifest, tmp_path / "tarred", num_shards=4, shuffle=True, seed=3)
    return tmp_path / "tarred"


def tarred_config(root: Path, **overrides: object) -> dict[str, object]:
    return {
        "is_tarred": True,
        "tarred_audio_filepaths": str(root / "audio_{0..3}.tar"),
        "manifest_filepath": str(root / "tarred_audio_manifest.json"),
        "sample_rate": 16000,
        "labels": LABELS,
        "batch_size": 2,
        "return_sample_id": True,
        **overrides,
    }


def texts_of(loader: torch.utils.data.DataLoader) -> list[str]:  # type: ignore[type-arg]
    dataset = loader.dataset
    return [dataset.manifest.text(int(i)) for batch in loader for i in batch[4]]


def test_writer_makes_equal_deterministic_shards(tmp_path: Path, tarred: Path) -> None:
    lines = [
        json.loads(line)
        for line in (tarred / "tarred_audio_manifest.json").read_text().splitlines()
    ]
    assert len(lines) == 12
    assert [sum(1 for line in lines if line["shard_id"] == s) for s in range(4)] == [3, 3, 3, 3]
    for shard in range(4):
        with tarfile.open(tarred / f"audio_{shard}.tar") as archive:
            members = archive.getnames()
        assert members == [line["audio_filepath"] for line in lines if line["shard_id"] == shard]
    again = create_tarred_dataset(
        tmp_path / "plain" / "manifest.json", tmp_path / "again", num_shards=4, shuffle=True, seed=3
    )
    assert all(
        path.read_bytes() == (tarred / path.name).read_bytes()
        for path in [*again.shards, again.manifest]
    )


def test_tarred_dataset_reads_every_utterance_once(tarred: Path) -> None:
    loader = get_audio_to_text_dataloader(tarred_config(tarred))
    assert loader is not None and isinstance(loader.dataset, TarredAudioToCharDataset)
    assert len(loader.dataset) == 12
    seen = texts_of(loader)
    assert sorted(seen) == sorted(TEXTS)
    batch = next(iter(loader))
    assert batch[0].shape[0] == 2 and batch[2].shape[0] == 2


def test_ranks_read_disjoint_shards(tarred: Path) -> None:
    per_rank = []
    for rank in range(2):
        loader = get_audio_to_text_dataloader(tarred_config(tarred), global_rank=rank, world_size=2)
        assert loader is not None and len(loader.dataset) == 6
        assert loader.dataset.shards == [
            str(tarred / f"audio_{i}.tar") for i in (2 * rank, 2 * rank + 1)
        ]
        per_rank.append(texts_of(loader))
    assert len(per_rank[0]) == len(per_rank[1]) == 6
    assert not set(per_rank[0]) & set(per_rank[1])
    assert sorted(per_rank[0] + per_rank[1]) == sorted(TEXTS)
    replicated = get_audio_to_text_dataloader(
        tarred_config(tarred, tarred_shard_strategy="replicate"), global_rank=1, world_size=2
    )
    assert replicated is not None and sorted(texts_of(replicated)) == sorted(TEXTS)


def test_workers_split_a_ranks_shards(tarred: Path) -> None:
    loader = get_audio_to_text_dataloader(tarred_config(tarred, num_workers=2))
    assert loader is not None
    assert sorted(texts_of(loader)) == sorted(TEXTS)  # each shard read by exactly one worker


def test_shuffling_changes_order_between_epochs(tarred: Path) -> None:
    loader = get_audio_to_text_dataloader(tarred_config(tarred, shuffle=True, shuffle_n=8))
    assert loader is not None
    torch.manual_seed(0)
    epochs = [texts_of(loader) for _ in range(3)]
    assert all(sorted(epoch) == sorted(TEXTS) for epoch in epochs)
    assert len({tuple(epoch) for epoch in epochs}) > 1


def test_members_join_manifest_entries_by_file_id(tmp_path: Path) -> None:
    # Two entries share one file (segments); one file has no entry left after filtering.
    write_audio(tmp_path / "src" / "long.flac", tone(2.0))
    write_audio(tmp_path / "src" / "short.flac", tone(0.1))
    manifest = write_manifest(
        tmp_path / "src" / "m.json",
        [
            {"audio_filepath": "long.flac", "duration": 0.5, "offset": 0.0, "text": "first"},
            {"audio_filepath": "long.flac", "duration": 0.25, "offset": 1.0, "text": "second"},
            {"audio_filepath": "short.flac", "duration": 0.1, "text": "short"},
        ],
    )
    summary = create_tarred_dataset(manifest, tmp_path / "t", num_shards=1)
    assert summary.entries == 3
    dataset = TarredAudioToCharDataset(
        str(summary.shards[0]), summary.manifest, LABELS, 16000, min_duration=0.2,
        return_sample_id=True,
    )  # fmt: skip
    items = {dataset.manifest.text(int(item[4])): int(item[1]) for item in dataset}
    assert items == {"first": 8000, "second": 4000}


def test_conversion_tool_runs_as_a_command(tmp_path: Path, python) -> None:  # type: ignore[no-untyped-def]
    manifest = utterance_corpus(tmp_path / "plain", TEXTS[:7])
    result = python(
        str(TOOL), "--manifest_path", str(manifest), "--target_dir", str(tmp_path / "out"),
        "--num_shards", "3",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "wrote 6 entries into 3 shards" in result.stdout
    assert "left out 1 entries" in result.stdout
    assert f"tarred_audio_filepaths: {tmp_path / 'out'}/audio_{{0..2}}.tar" in result.stdout
    kept = python(
        str(TOOL), "--manifest_path", str(manifest), "--target_dir", str(tmp_path / "all"),
        "--num_shards", "3", "--keep_remainder",
    )  # fmt: skip
    assert "wrote 7 entries" in kept.stdout
    failed = python(
        str(TOOL), "--manifest_path", str(tmp_path / "nope.json"), "--target_dir",
        str(tmp_path / "x"), "--num_shards", "2",
    )  # fmt: skip
    assert failed.returncode == 1 and "nope.json" in failed.stderr
