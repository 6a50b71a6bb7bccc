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
