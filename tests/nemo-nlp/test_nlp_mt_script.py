"""examples/nlp/machine_translation/enc_dec_nmt.py: runs from the dataclass alone, from a YAML,
with command-line overrides, and the values' precedence is CLI > YAML > dataclass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "nlp" / "machine_translation" / "enc_dec_nmt.py"
CORPUS = ROOT / "data" / "nmt_en_de_commands"


def _run(*args, cwd=ROOT, check=True):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True,
        check=check, timeout=600,
    )  # fmt: skip


def _job(*args):
    return yaml.safe_load(_run(*args, "--cfg", "job").stdout)["model"]


def test_one_key_from_dataclass_then_yaml_then_command_line():
    dataclass_only = _job("--config-name", "aayn_base_config")
    from_yaml = _job("--config-name", "nmt_en_de_commands")
    from_cli = _job("--config-name", "nmt_en_de_commands", "model.encoder.num_layers=2")
    assert dataclass_only["encoder"]["num_layers"] == 6  # AAYNBaseConfig
    assert from_yaml["encoder"]["num_layers"] == 3  # the YAML over the dataclass
    assert from_cli["encoder"]["num_layers"] == 2  # the command line over both
    # what the YAML leaves out still comes from the dataclass
    assert from_yaml["encoder"]["pre_ln_final_layer_norm"] is True
    assert from_yaml["optim"]["sched"]["name"] == "InverseSquareRootAnnealing"
    assert dataclass_only["encoder_tokenizer"]["library"] == "sentencepiece"


def test_a_typo_in_an_override_is_reported_with_a_suggestion():
    done = _run("--config-name", "nmt_en_de_commands", "model.encoder.num_layer=2", check=False)
    assert done.returncode == 1
    assert "num_layer" in done.stderr and "num_layers" in done.stderr


def test_it_trains_from_the_dataclass_alone_and_saves_a_model(tmp_path):
    lines = {
        side: (CORPUS / f"train.{side}").read_text().splitlines()[:64] for side in ("en", "de")
    }
    for side, text in lines.items():
        (tmp_path / f"train.{side}").write_text("\n".join(text) + "\n", encoding="utf-8")
    nemo = tmp_path / "tiny.nemo"
    done = _run(
        "--config-name", "aayn_base_config",
        f"model.train_ds.src_file_name={tmp_path / 'train.en'}",
        f"model.train_ds.tgt_file_name={tmp_path / 'train.de'}",
        f"model.validation_ds.src_file_name={tmp_path / 'train.en'}",
        f"model.validation_ds.tgt_file_name={tmp_path / 'train.de'}",
        "model.encoder_tokenizer.vocab_size=200", f"model.preproc_out_dir={tmp_path / 'tok'}",
        "model.encoder.hidden_size=32", "model.encoder.inner_size=64", "model.encoder.num_layers=1",
        "model.decoder.inner_size=64", "model.decoder.num_layers=1",
        "model.beam_size=2", f"model.nemo_path={nemo}", "model.tgt_language=de",
        "trainer.max_epochs=1", "trainer.accelerator=cpu", "trainer.enable_progress_bar=false",
        f"exp_manager.exp_dir={tmp_path / 'exp'}",
    )  # fmt: skip
    assert "turn on the red lamp in the living room -> " in done.stdout
    assert nemo.is_file() and list((tmp_path / "exp").rglob("events.out.tfevents*"))
