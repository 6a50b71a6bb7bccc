"""From speech to intent: the shipped recognizer and parser, through `nemo understand`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "data" / "speech_commands"


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    monkeypatch.setenv("NEMO_OFFLINE", "1")
    monkeypatch.setenv("NEMO_CACHE_DIR", str(tmp_path / "cache"))
    import os

    return dict(os.environ)


def _audio(count: int) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (CORPUS / "test_manifest.json").read_text().splitlines()]
    return [(str(CORPUS / r["audio_filepath"]), r["text"]) for r in rows[:count]]


def test_nemo_understand_prints_transcript_intent_and_slots(offline):
    audio = _audio(4)
    done = subprocess.run(
        [sys.executable, "-m", "nemo.core.cli", "understand",
         "--asr", "stt_en_commands_quartznet_small", "--nlu", "nlu_en_smart_home_intent_slot",
         *(path for path, _ in audio)],
        capture_output=True, text=True, env=offline, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["audio_filepath"] for r in results] == [path for path, _ in audio]
    from nemo.collections.nlp import understand

    again = understand(
        [path for path, _ in audio],
        "stt_en_commands_quartznet_small",
        "nlu_en_smart_home_intent_slot",
    )
    assert again == results
    for result, (_, text) in zip(results, audio, strict=True):
        assert set(result) == {"audio_filepath", "transcript", "intent", "slots"}
        assert result["transcript"].split()[0] == text.split()[0]  # the verb is heard
        assert all(value in result["transcript"] for value in result["slots"].values())


def test_nemo_understand_errors(offline, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "nemo.core.cli", "understand", "--asr",
         "stt_en_commands_quartznet_small", "--nlu", "nlu_en_smart_home_intent_slot",
         str(tmp_path / "missing.wav")],
        capture_output=True, text=True, env=offline, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "no such audio file" in done.stderr
    swapped = subprocess.run(
        [sys.executable, "-m", "nemo.core.cli", "understand", "--asr",
         "nlu_en_smart_home_intent_slot", "--nlu", "stt_en_commands_quartznet_small",
         _audio(1)[0][0]],
        capture_output=True, text=True, env=offline, check=False,
    )  # fmt: skip
    assert (
        swapped.returncode == 2
        and "--asr model IntentSlotClassificationModel has no transcribe" in swapped.stderr
    )


SPOKEN = Path(__file__).resolve().parents[2] / "data" / "spoken_nlu" / "manifest.json"


def test_the_labelled_spoken_commands_are_consistent():
    rows = [json.loads(line) for line in SPOKEN.read_text().splitlines()]
    schema = Path(__file__).resolve().parents[2] / "data" / "smart_home_nlu"
    intents = set((schema / "dict.intents.csv").read_text().split())
    slots = set((schema / "dict.slots.csv").read_text().split())
    assert len(rows) == 138 and len({r["text"] for r in rows}) == len(rows)
    for row in rows:
        assert (SPOKEN.parent / row["audio_filepath"]).is_file()
        assert row["intent"] in intents and set(row["slots"].split()) <= slots
        assert len(row["slots"].split()) == len(row["text"].split())
    assert len({r["intent"] for r in rows}) >= 8  # most of the schema's intents are spoken


def test_evaluate_understanding_scores_speech_against_the_gold_text(offline):
    from nemo.collections.nlp import evaluate_understanding

    subset = Path(offline["NEMO_CACHE_DIR"]).parent / "spoken.json"
    lines = SPOKEN.read_text().splitlines()[:24]
    subset.write_text(
        "".join(
            json.dumps({**row, "audio_filepath": str(SPOKEN.parent / row["audio_filepath"])}) + "\n"
            for row in map(json.loads, lines)
        )
    )
    scores = evaluate_understanding(
        subset, "stt_en_commands_quartznet_small", "nlu_en_smart_home_intent_slot"
    )
    assert scores["commands"] == 24 and len(scores["results"]) == 24
    assert scores["text_intent_accuracy"] == 100.0  # held-out phrasings, read from the text
    right = sum(r["intent"] == r["gold_intent"] for r in scores["results"])
    assert scores["intent_accuracy"] == pytest.approx(100 * right / 24)
    assert 0 < scores["intent_accuracy"] <= scores["text_intent_accuracy"]


def test_evaluate_understanding_names_a_bad_manifest_line(offline, tmp_path):
    from nemo.collections.nlp import evaluate_understanding

    manifest = tmp_path / "bad.json"
    manifest.write_text(json.dumps({"audio_filepath": "a.flac", "text": "stop the fan"}) + "\n")
    with pytest.raises(ValueError, match=r"bad.json', line 1: a labelled command needs"):
        evaluate_understanding(
            manifest, "stt_en_commands_quartznet_small", "nlu_en_smart_home_intent_slot"
        )
