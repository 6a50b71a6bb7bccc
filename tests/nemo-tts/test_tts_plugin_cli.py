"""What nemo-tts registers through the plugin system, and ``nemo synthesize``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf
from tts_test_helpers import model_config

from nemo.collections.tts.models import FastPitchModel, GriffinLimModel, HifiGanModel
from nemo.core import plugins
from nemo.core.cli import main as nemo_main


def test_models_are_registered_by_lazy_reference() -> None:
    assert plugins.models.get("FastPitchModel").provider == "nemo-tts"
    assert plugins.models.load("FastPitchModel") is FastPitchModel
    assert plugins.models.load("HifiGanModel") is HifiGanModel
    assert plugins.models.load("GriffinLimModel") is GriffinLimModel


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An untrained tiny FastPitch and its Griffin-Lim vocoder, as .nemo files."""
    folder = tmp_path_factory.mktemp("archives")
    generator = FastPitchModel(model_config("fastpitch", None))
    generator.save_to(folder / "generator.nemo")
    GriffinLimModel.for_generator(generator, n_iters=4).save_to(folder / "vocoder.nemo")
    return folder / "generator.nemo", folder / "vocoder.nemo"


def test_nemo_synthesize_writes_one_file(archives: tuple[Path, Path], tmp_path: Path) -> None:
    generator, vocoder = archives
    out = tmp_path / "out.wav"
    code = nemo_main(["synthesize", "turn on the light", "-o", str(out),
                      "--model", str(generator), "--vocoder", str(vocoder)])  # fmt: skip
    assert code == 0
    audio, rate = sf.read(out)
    assert rate == 16000 and len(audio) > 0


def test_nemo_synthesize_reads_a_file_of_lines_into_a_folder(
    archives: tuple[Path, Path], tmp_path: Path
) -> None:
    generator, vocoder = archives
    lines = tmp_path / "lines.txt"
    lines.write_text("turn on the light\n\nclose the door\n")
    result = subprocess.run(
        [sys.executable, "-m", "nemo.core.cli", "synthesize", "--file", str(lines), "-o",
         str(tmp_path / "out"), "--model", str(generator), "--vocoder", str(vocoder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["0000.wav", "0001.wav"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-o", "x.wav"], "nothing to synthesize"),
        (["👋", "-o", "x.wav"], "nothing to synthesize in '👋'"),
        (["hi", "-o", "x.wav", "--model", "no_such_model"], "neither an existing .nemo file"),
    ],
)
def test_nemo_synthesize_bad_input_is_a_clear_error(
    archives: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    arguments: list[str], message: str,
) -> None:  # fmt: skip
    generator, vocoder = archives
    defaults = ["--model", str(generator), "--vocoder", str(vocoder)]
    assert nemo_main(["synthesize", *defaults, *arguments]) == 1
    assert message in capsys.readouterr().err


def test_nemo_synthesize_refuses_a_vocoder_for_the_model(
    archives: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, vocoder = archives
    code = nemo_main(["synthesize", "hi", "-o", str(tmp_path / "x.wav"), "--model", str(vocoder),
                      "--vocoder", str(vocoder)])  # fmt: skip
    assert code == 1
    assert "--model GriffinLimModel has no generate_spectrogram()" in capsys.readouterr().err
