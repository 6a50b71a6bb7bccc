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
