"""The NLP example script as users run it: a real subprocess, Hydra overrides, the corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "examples" / "nlp" / "intent_slot_classification" / "intent_slot_classification.py"


def test_intent_slot_training_archives_tests_and_parses(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable, str(SCRIPT), f"exp_manager.exp_dir={tmp_path}", "exp_manager.name=nlu",
            "trainer.max_epochs=1", "trainer.enable_progress_bar=false",
            "model.train_ds.num_samples=2000", "model.language_model.config.num_hidden_layers=1",
            f"+model.nemo_path={tmp_path / 'nlu.nemo'}", "~model.head.fc_dropout",
        ],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    parsed = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert (
        len(parsed) == 2 and parsed[0]["query"] == "please turn on the red lamp in the living room"
    )
    assert all(set(p) == {"query", "intent", "slots"} for p in parsed)
    assert (tmp_path / "nlu.nemo").is_file()
    runs = list((tmp_path / "nlu").glob("*/"))
    assert len(runs) == 1 and list(runs[0].glob("events.out.tfevents.*"))
    assert "intent_f1" in done.stdout + done.stderr  # the test metrics table


def _run(script: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, str(script), "trainer.enable_progress_bar=false", *overrides],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_text_classification_trains_tests_and_classifies(tmp_path: Path) -> None:
    script = REPO / "examples" / "nlp" / "text_classification" / "text_classification_with_bert.py"
    done = _run(
        script, f"exp_manager.exp_dir={tmp_path}", "exp_manager.name=text",
        "trainer.max_epochs=2", "model.train_ds.num_samples=2000",
        f"model.nemo_path={tmp_path / 'text.nemo'}",
    )  # fmt: skip
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert [line["label"] for line in lines] == ["device_off", "play", "find"]
    assert (tmp_path / "text.nemo").is_file()
    assert "test_f1" in done.stdout + done.stderr


def test_token_classification_trains_then_fine_tunes_its_archive(tmp_path: Path) -> None:
    script = REPO / "examples" / "nlp" / "token_classification" / "token_classification_train.py"
    archive = tmp_path / "token.nemo"
    first = _run(
        script, f"exp_manager.exp_dir={tmp_path}", "exp_manager.name=token",
        "trainer.max_epochs=2", "model.train_ds.num_samples=2000", f"model.nemo_path={archive}",
    )  # fmt: skip
    assert "lamp[B-item] in the kitchen[B-room]" in first.stdout  # two epochs: "red" may miss
    assert "entity_f1" in first.stdout + first.stderr
    again = _run(
        script, f"exp_manager.exp_dir={tmp_path}", "exp_manager.name=tuned",
        "trainer.max_epochs=1", "model.train_ds.num_samples=500", f"pretrained_model={archive}",
        "~model.test_ds",
    )  # fmt: skip
    assert "lamp[B-item]" in again.stdout


def test_bert_pretraining_hands_its_encoder_to_text_classification(tmp_path: Path) -> None:
    pretrain = REPO / "examples" / "nlp" / "language_modeling" / "bert_pretraining.py"
    encoder = tmp_path / "bert"
    done = _run(
        pretrain, f"exp_manager.exp_dir={tmp_path}", "exp_manager.name=lm", "trainer.max_epochs=1",
        "model.train_ds.num_samples=1000", "model.language_model.config.num_hidden_layers=1",
        f"+encoder_dir={encoder}",
    )  # fmt: skip
    assert f"encoder written to {encoder}" in done.stdout
    assert {p.name for p in encoder.iterdir()} >= {"config.json", "model.safetensors", "vocab.txt"}
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    (events,) = (tmp_path / "lm").glob("*/events.out.tfevents.*")
    accumulator = EventAccumulator(str(events))
    accumulator.Reload()
    assert {"val_perplexity", "train_loss"} <= set(accumulator.Tags()["scalars"])
    classify = (
        REPO / "examples" / "nlp" / "text_classification" / "text_classification_with_bert.py"
    )
    tuned = _run(
        classify, f"exp_manager.exp_dir={tmp_path}", "exp_manager.name=text",
        "trainer.max_epochs=1", "model.train_ds.num_samples=500", "~model.test_ds",
        f"model.language_model.pretrained_model_name={encoder}",
        f"model.tokenizer.tokenizer_name={encoder}", "model.tokenizer.vocab_file=null",
        "model.language_model.config=null",  # the encoder's own config.json
    )  # fmt: skip
    assert tuned.stdout.count('"label": ') == 3
