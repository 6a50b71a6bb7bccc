"""What nemo-asr registers through the plugin system, and ``nemo transcribe``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from asr_test_helpers import FIXTURE_NEMO, WAVS, expected

from nemo.collections.asr.models import EncDecCTCModel, EncDecCTCModelBPE
from nemo.core import plugins
from nemo.core.cli import main as nemo_main
from nemo.core.pretrained import DownloadError

NGC = "https://api.ngc.nvidia.com/v2/models/nvidia/nemo"


def test_models_are_registered_by_lazy_reference():
    assert plugins.models.get("EncDecCTCModel").provider == "nemo-asr"
    assert plugins.models.load("EncDecCTCModel") is EncDecCTCModel
    assert plugins.models.load("EncDecCTCModelBPE") is EncDecCTCModelBPE


def test_nemo_s_pretrained_names_and_locations_are_listed():
    names = set(plugins.pretrained.names())
    assert {
        "QuartzNet15x5Base-En",
        "stt_en_quartznet15x5",
        "stt_en_jasper10x5dr",
        "stt_zh_quartznet15x5",
        "stt_en_citrinet_256",
        "stt_en_citrinet_512",
        "stt_en_citrinet_1024",
        "stt_en_conformer_ctc_large",
    } <= names
    quartznet = plugins.pretrained.get("stt_en_quartznet15x5").info["location"]
    assert (
        quartznet == f"{NGC}/stt_en_quartznet15x5/versions/1.0.0rc1/files/stt_en_quartznet15x5.nemo"
    )
    base = plugins.pretrained.get("QuartzNet15x5Base-En").info["location"]
    assert base == f"{NGC}/nemospeechmodels/versions/1.0.0a5/files/QuartzNet15x5Base-En.nemo"
    bpe_names = EncDecCTCModelBPE.get_available_model_names()
    assert "stt_en_citrinet_512" in bpe_names and "stt_en_quartznet15x5" not in bpe_names
    assert "stt_en_quartznet15x5" in EncDecCTCModel.get_available_model_names()


def test_from_pretrained_fails_clearly_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("NEMO_OFFLINE", "1")
    monkeypatch.setenv("NEMO_CACHE_DIR", str(tmp_path))
    with pytest.raises(DownloadError, match="stt_en_quartznet15x5"):
        EncDecCTCModel.from_pretrained("stt_en_quartznet15x5")


def test_nemo_transcribe_prints_one_line_per_file(capsys):
    files = [str(w) for w in WAVS[:2]]
    assert nemo_main(["transcribe", "--model", str(FIXTURE_NEMO), *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{f}\t{expected()[w.name]['transcribe_text']}" for f, w in zip(files, WAVS, strict=False)
    ]


def test_nemo_transcribe_json_has_words_with_times(capsys):
    assert nemo_main(["transcribe", "--model", str(FIXTURE_NEMO), "--json", str(WAVS[3])]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["file"] == str(WAVS[3])
    assert row["text"] == expected()["utt3.wav"]["transcribe_text"]
    assert [w["word"] for w in row["words"]] == row["text"].split()
    assert all(0 <= w["start"] < w["end"] for w in row["words"])


def test_nemo_transcribe_errors(capsys, monkeypatch, tmp_path):
    assert nemo_main(["transcribe", "--model", "no_such_model", str(WAVS[0])]) == 1
    assert "neither an existing .nemo file nor a registered pretrained" in capsys.readouterr().err
    monkeypatch.setenv("NEMO_OFFLINE", "1")
    monkeypatch.setenv("NEMO_CACHE_DIR", str(tmp_path))
    assert nemo_main(["transcribe", "--model", "stt_en_jasper10x5dr", str(WAVS[0])]) == 1
    assert "stt_en_jasper10x5dr" in capsys.readouterr().err
    missing = tmp_path / "missing.wav"
    assert nemo_main(["transcribe", "--model", str(FIXTURE_NEMO), str(missing)]) == 1
    assert "missing.wav' does not exist" in capsys.readouterr().err


def test_the_nemo_command_has_transcribe():
    run = subprocess.run(
        [sys.executable, "-m", "nemo.core.cli", "transcribe", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "--model NAME_OR_PATH" in run.stdout and "--json" in run.stdout
