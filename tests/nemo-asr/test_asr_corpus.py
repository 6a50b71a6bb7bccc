"""The committed corpus in data/speech_commands/ keeps the promises training and evaluation rely on.

Regenerating it (tools/make_speech_corpus.py) must keep these true; they are checked on the
committed files, not on a fresh generation, so the test needs no speech synthesiser.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
import soundfile as sf

CORPUS = Path(__file__).resolve().parents[2] / "data" / "speech_commands"
SPLITS = ("train", "dev", "test")


@cache
def manifest(split: str) -> list[dict[str, object]]:
    path = CORPUS / f"{split}_manifest.json"
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        entry = json.loads(line)
        assert {"audio_filepath", "duration", "text", "speaker"} <= entry.keys(), (path, number)
        entries.append(entry)
    return entries


def vocabulary() -> set[str]:
    words: set[str] = set()
    for line in (CORPUS / "vocabulary.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(line.partition(":")[2].split())
    return words


@pytest.mark.parametrize("split", SPLITS)
def test_every_file_is_16k_mono_flac_of_the_manifest_duration(split: str) -> None:
    entries = manifest(split)
    assert entries
    for entry in entries:
        path = CORPUS / str(entry["audio_filepath"])
        assert not Path(str(entry["audio_filepath"])).is_absolute()
        info = sf.info(str(path))
        assert (info.format, info.subtype) == ("FLAC", "PCM_16"), path
        assert (info.samplerate, info.channels) == (16000, 1), path
        assert abs(info.frames / 16000 - float(entry["duration"])) <= 0.010, path  # type: ignore[arg-type]


def test_split_sizes_follow_the_generator_budget() -> None:
    assert 200 <= len(manifest("test")) <= 300
    assert len(manifest("dev")) >= 150
    assert len(manifest("train")) > len(manifest("dev")) + len(manifest("test"))
    total = sum(path.stat().st_size for path in CORPUS.rglob("*") if path.is_file())
    assert total <= 25_000_000


def test_no_audio_file_outside_the_manifests() -> None:
    listed = {CORPUS / str(e["audio_filepath"]) for split in SPLITS for e in manifest(split)}
    assert set((CORPUS / "audio").rglob("*.flac")) == listed


def test_no_sentence_is_shared_between_splits() -> None:
    texts = {split: [str(e["text"]) for e in manifest(split)] for split in SPLITS}
    for split in SPLITS:
        assert len(set(texts[split])) == len(texts[split]), f"duplicate sentence in {split}"
    assert not set(texts["train"]) & set(texts["dev"])
    assert not set(texts["train"]) & set(texts["test"])
    assert not set(texts["dev"]) & set(texts["test"])


def test_test_voices_are_unseen_and_dev_voices_are_train_voices() -> None:
    def variants(split: str) -> set[str]:
        return {str(e["speaker"]).split("+", 1)[1] for e in manifest(split)}

    assert not variants("test") & variants("train")
    assert variants("dev") <= variants("train")
    assert len(variants("train")) >= 40
    assert len(variants("test")) >= 8


def test_texts_follow_the_command_shape_with_vocabulary_words_only() -> None:
    words = vocabulary()
    assert len(words) == 55
    for split in SPLITS:
        for entry in manifest(split):
            tokens = str(entry["text"]).split(" ")
            assert 3 <= len(tokens) <= 7, entry
            assert set(tokens) <= words, entry
