"""The model shipped inside nemo-asr: found by name, verified, restored offline, and it works."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from nemo.collections.asr.metrics.wer import word_error_rate
from nemo.collections.asr.models import EncDecCTCModel
from nemo.core import plugins
from nemo.core.classes import ModelPT

NAME = "stt_en_commands_quartznet_small"
CORPUS = Path(__file__).resolve().parents[2] / "data" / "speech_commands"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEMO_OFFLINE", "1")  # shipped means no network, ever
    monkeypatch.setenv("NEMO_CACHE_DIR", str(tmp_path / "cache"))


def test_registered_with_a_checksum_that_matches_the_installed_file() -> None:
    from importlib.resources import files

    info = plugins.pretrained.get(NAME).info
    assert info["location"].startswith("package://nemo.collections.asr/")
    relative = info["location"].split("/", 3)[3]
    data = files("nemo.collections.asr").joinpath(relative).read_bytes()
    assert len(data) == info["size"] <= 5 * 1024 * 1024
    assert hashlib.sha256(data).hexdigest() == info["sha256"]


def test_listed_on_its_class_and_on_modelpt() -> None:
    assert NAME in EncDecCTCModel.get_available_model_names()
    assert NAME in ModelPT.get_available_model_names()


def test_transcribes_unseen_voices_offline() -> None:
    model = ModelPT.from_pretrained(NAME, map_location="cpu")
    assert type(model) is EncDecCTCModel
    rows = [json.loads(line) for line in (CORPUS / "test_manifest.json").read_text().splitlines()]
    rows = rows[:48]
    hypotheses = model.transcribe([str(CORPUS / r["audio_filepath"]) for r in rows], batch_size=16)
    assert word_error_rate(hypotheses, [r["text"] for r in rows]) < 0.10
