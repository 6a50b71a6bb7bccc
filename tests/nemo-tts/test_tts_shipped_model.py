"""The shipped FastPitch: offline, verified, and speaking at the corpus voice's pace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf
import torch
from tts_test_helpers import CORPUS

from nemo.collections.tts import GriffinLimModel, synthesize
from nemo.collections.tts.metrics import mel_cepstral_distortion
from nemo.collections.tts.models import FastPitchModel
from nemo.core import plugins

NAME = "tts_en_commands_fastpitch"


@pytest.fixture(scope="module")
def generator(tmp_path_factory: pytest.TempPathFactory) -> FastPitchModel:
    mp = pytest.MonkeyPatch()
    mp.setenv("NEMO_OFFLINE", "1")  # shipped inside the package: no network, ever
    mp.setenv("NEMO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    try:
        return FastPitchModel.from_pretrained(NAME, map_location="cpu")
    finally:
        mp.undo()


def test_the_shipped_model_is_registered_with_its_checksum() -> None:
    info = plugins.pretrained.get(NAME).info
    assert info["location"].startswith("package://nemo.collections.tts/")
    assert len(info["sha256"]) == 64
    assert NAME in FastPitchModel.get_available_model_names()


def _held_out(count: int) -> list[dict[str, object]]:
    lines = (CORPUS / "test_manifest.json").read_text().splitlines()[:count]
    return [json.loads(line) for line in lines]


def test_it_speaks_held_out_sentences_at_the_voice_s_pace(generator: FastPitchModel) -> None:
    rows = _held_out(10)
    vocoder = GriffinLimModel.for_generator(generator, n_iters=8)
    audio = synthesize([str(r["text"]) for r in rows], generator, vocoder)
    ours = sum(len(a) for a in audio) / 16000
    theirs = sum(float(str(r["duration"])) for r in rows)
    assert 0.8 < ours / theirs < 1.2, (ours, theirs)  # the durations were learned


def test_its_spectrograms_are_closer_to_the_recordings_than_an_untrained_model_s(
    generator: FastPitchModel,
) -> None:
    untrained = FastPitchModel(generator.cfg)
    untrained.fastpitch.max_token_duration = 6
    rows = _held_out(3)
    distances = {}
    for label, model in (("shipped", generator), ("untrained", untrained)):
        total = 0.0
        for row in rows:
            samples, _ = sf.read(CORPUS / str(row["audio_filepath"]), dtype="float32")
            mel, lens = generator.preprocessor(
                input_signal=torch.from_numpy(samples)[None], length=torch.tensor([len(samples)])
            )
            spect, frames = model.generate_spectrogram_with_lengths(model.parse(str(row["text"])))
            total += mel_cepstral_distortion(
                mel[0, :, : int(lens[0])], spect[0, :, : int(frames[0])]
            )
        distances[label] = total / len(rows)
    assert distances["shipped"] < 0.6 * distances["untrained"], distances


def test_pretrained_file_is_under_the_size_budget() -> None:
    info = plugins.pretrained.get(NAME).info
    assert int(info["size"]) < 14_000_000
    shipped = Path(__file__).resolve().parents[2] / "packages/nemo-tts/src/nemo/collections/tts"
    assert (shipped / "pretrained" / f"{NAME}.nemo").stat().st_size == int(info["size"])
