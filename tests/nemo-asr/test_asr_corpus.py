"""The committed corpus in data/speech_commands/ keeps the promises training and evaluation rely on.

Regenerating it (tools/make_speech_corpus.py) must keep these true; they are checked on the
committed files, not on a fresh generation, so the test needs no speech synthesiser.
"""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path

import pytest
import soundfile as sf

CORPUS = Path(__file__).resolve().parents[2] / "data" / "speech_commands"
SPLITS = ("train", "dev", "test", "test_unseen_voices", "test_festival")
TESTS = SPLITS[2:]
SHAPE_CLASSES = ("verbs", "articles", "colors", "objects", "digits", "prepositions")


@cache
def manifest(split: str) -> list[dict[str, object]]:
    path = CORPUS / f"{split}_manifest.json"
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        entry = json.loads(line)
        assert {"audio_filepath", "duration", "text", "speaker"} <= entry.keys(), (path, number)
        entries.append(entry)
    return entries


def vocabulary() -> dict[str, set[str]]:
    classes: dict[str, set[str]] = {}
    for line in (CORPUS / "vocabulary.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, words = line.partition(":")
            classes[name.strip()] = set(words.split())
    return classes


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
    for split in TESTS:
        assert len(manifest(split)) == 250, split
    assert len(manifest("dev")) == 200
    assert len(manifest("train")) > 2000
    total = sum(path.stat().st_size for path in CORPUS.rglob("*") if path.is_file())
    assert total <= 60_000_000


def test_no_audio_file_outside_the_manifests() -> None:
    listed = {CORPUS / str(e["audio_filepath"]) for split in SPLITS for e in manifest(split)}
    assert set((CORPUS / "audio").rglob("*.flac")) == listed


def test_no_sentence_is_shared_between_splits() -> None:
    texts = {split: [str(e["text"]) for e in manifest(split)] for split in SPLITS}
    for split in SPLITS:
        assert len(set(texts[split])) == len(texts[split]), f"duplicate sentence in {split}"
    for first, second in itertools.combinations(SPLITS, 2):
        assert not set(texts[first]) & set(texts[second]), (first, second)


def _voices(split: str) -> tuple[set[str], set[str], set[str]]:
    """(espeak-ng base voices, espeak-ng variants, festival voices) of a split."""
    pairs = {tuple(str(e["speaker"]).split("+", 1)) for e in manifest(split)}
    espeak = {pair for pair in pairs if pair[0] != "festival"}
    return {a for a, _ in espeak}, {v for _, v in espeak}, {v for _, v in pairs - espeak}


def test_each_test_split_holds_out_what_it_claims() -> None:
    accents, variants, festival = _voices("train")
    assert len(accents) >= 6 and len(variants) >= 40 and len(festival) == 2
    dev = _voices("dev")
    assert dev[0] <= accents and dev[1] <= variants and dev[2] <= festival
    test = _voices("test")  # the v1 notion: unseen variants of base voices train has
    assert test[0] <= accents and not test[1] & variants and not test[2]
    unseen = _voices("test_unseen_voices")  # nothing of the voice was heard
    assert unseen[0] and not unseen[0] & accents and not unseen[1] & variants
    synth = _voices("test_festival")  # another festival voice
    assert not synth[0] and not synth[1] and len(synth[2]) == 1 and not synth[2] & festival


def test_texts_are_commands_of_the_shape_or_labelled_commands() -> None:
    classes = vocabulary()
    shape = set().union(*(classes[name] for name in SHAPE_CLASSES))
    assert len(shape) == 55  # the shared vocabulary's words, kept as they were
    words = shape | classes["commands"]
    intents = set((CORPUS.parent / "smart_home_nlu" / "dict.intents.csv").read_text().split())
    slot_labels = set((CORPUS.parent / "smart_home_nlu" / "dict.slots.csv").read_text().split())
    for split in SPLITS:
        labelled = 0
        for entry in manifest(split):
            tokens = str(entry["text"]).split(" ")
            assert set(tokens) <= words, entry
            if "intent" in entry:
                labelled += 1
                assert entry["intent"] in intents, entry
                slots = str(entry["slots"]).split(" ")
                assert len(slots) == len(tokens) and set(slots) <= slot_labels, entry
            else:
                assert 3 <= len(tokens) <= 7 and set(tokens) <= shape, entry
        share = labelled / len(manifest(split))
        assert share == 0 if split == "test" else 0.15 < share < 0.4, (split, share)
