"""hydra_runner: Hydra's command line through real subprocesses running a script in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from omegaconf import MISSING, OmegaConf

from nemo.core.config.hydra_runner import hydra_runner
from nemo.utils.exceptions import ConfigValidationError

SCRIPT = """
import json, os, sys
from dataclasses import dataclass, field
from typing import Any, Optional
from omegaconf import MISSING, OmegaConf
from nemo.core.config.hydra_runner import hydra_runner

@dataclass
class DataConfig:
    manifest: str = MISSING
    batch_size: int = 32

@dataclass
class ModelConfig:
    lr: float = 1.0
    layers: int = 2
    dropout: float = 0.5
    train_ds: Optional[DataConfig] = None

@dataclass
class TrainerConfig:
    max_epochs: int = 1
    devices: Any = "auto"
    precision: int = 32

@dataclass
class AppConfig:
    name: str = MISSING
    model: ModelConfig = MISSING
    trainer: TrainerConfig = field(default_factory=TrainerConfig)

SCHEMA = AppConfig if os.environ.get("USE_SCHEMA", "1") == "1" else None

@hydra_runner(config_path="conf", config_name="config", schema=SCHEMA)
def main(cfg):
    open("task_ran", "w").close()
    print("CWD=" + os.getcwd())
    print("CFG=" + json.dumps(OmegaConf.to_container(cfg)))
    return "done"

if __name__ == "__main__":
    assert main() == "done"
"""

CONFIG = """
name: from_yaml
model:
  lr: 0.1
  train_ds:
    manifest: ???
trainer:
  max_epochs: 5
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(SCRIPT)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.yaml").write_text(CONFIG)
    return tmp_path


def run(app: Path, *args: str, schema: bool = True, cwd: Path | None = None) -> Any:
    env = {**os.environ, "USE_SCHEMA": "1" if schema else "0", "HYDRA_FULL_ERROR": "0"}
    workdir = cwd or app
    done = subprocess.run(
        [sys.executable, str(app / "app.py"), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    done.cfg = None  # type: ignore[attr-defined]
    for line in done.stdout.splitlines():
        if line.startswith("CFG="):
            done.cfg = json.loads(line[4:])  # type: ignore[attr-defined]
    return done


def test_precedence_cli_over_yaml_over_dataclass(app: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = run(
        app,
        "model.train_ds.manifest=train.json",
        "trainer.max_epochs=7",
        "model.layers=4",
        cwd=elsewhere,
    )
    assert done.returncode == 0, done.stderr
    cfg = done.cfg
    assert cfg["name"] == "from_yaml"  # YAML over the dataclass's ???
    assert cfg["model"]["lr"] == 0.1  # YAML over the dataclass default
    assert cfg["model"]["dropout"] == 0.5  # dataclass default, absent from the YAML
    assert cfg["model"]["layers"] == 4  # command line over a dataclass-only key
    assert cfg["trainer"] == {"max_epochs": 7, "devices": "auto", "precision": 32}
    assert cfg["model"]["train_ds"] == {"manifest": "train.json", "batch_size": 32}
    # no .hydra directory, no log file, no change of directory
    assert f"CWD={elsewhere}" in done.stdout
    assert sorted(p.name for p in elsewhere.iterdir()) == ["task_ran"]
    assert not list(app.rglob(".hydra")) and not list(app.rglob("*.log"))


def test_every_problem_reported_at_once_before_the_task_runs(app: Path) -> None:
    done = run(
        app, "trainer.max_epoch=3", "trainer.precision=high", "+password=1", "model.layerz=2"
    )
    assert done.returncode == 1
    message = done.stderr
    assert "5 problems" in message
    assert "trainer.max_epoch: unknown key" in message and "'trainer.max_epochs'" in message
    assert "trainer.precision: 'high' is not a valid int" in message
    assert "password: unknown key" in message
    assert "model.layerz: unknown key" in message and "'model.layers'" in message
    assert "model.train_ds.manifest: required value missing" in message
    assert str(app / "conf" / "config.yaml") in message
    assert "Traceback" not in message
    assert not (app / "task_ran").exists()


def test_deleting_a_key_the_schema_does_not_know(app: Path) -> None:
    (app / "conf" / "config.yaml").write_text(CONFIG + "\nstale: 1\n")
    done = run(app, "model.train_ds.manifest=x")
    assert done.returncode == 1 and "stale: unknown key" in done.stderr
    assert "~stale" in done.stderr  # the fix names the override that removes it
    done = run(app, "model.train_ds.manifest=x", "~stale")
    assert done.returncode == 0, done.stderr


def test_other_config_path_and_name(app: Path) -> None:
    (app / "config_subdir").mkdir()
    (app / "config_subdir" / "config2.yaml").write_text(
        "name: two\nmodel:\n  lr: 0.2\n  train_ds:\n    manifest: m.json\n"
    )
    done = run(app, "--config-path", "config_subdir", "--config-name", "config2.yaml")
    assert done.returncode == 0, done.stderr
    assert done.cfg["name"] == "two" and done.cfg["model"]["lr"] == 0.2
    assert done.cfg["trainer"]["max_epochs"] == 1  # the dataclass default: config2 has none
    done = run(app, "--config-name", "sub/config2")
    assert done.returncode == 1 and "directory part" in done.stderr


def test_without_schema_plain_hydra_plus_missing_values(app: Path) -> None:
    done = run(app, "+extra.key=3", "~trainer", "model.train_ds.manifest=m", schema=False)
    assert done.returncode == 0, done.stderr
    assert done.cfg == {
        "name": "from_yaml",
        "model": {"lr": 0.1, "train_ds": {"manifest": "m"}},
        "extra": {"key": 3},
    }
    (app / "task_ran").unlink()
    done = run(app, schema=False)
    assert done.returncode == 1
    assert "model.train_ds.manifest: required value missing" in done.stderr
    assert not (app / "task_ran").exists()
    done = run(app, "model.unknown=1", schema=False)  # Hydra's own error for an unknown key
    assert done.returncode == 1 and "+model.unknown=1" in done.stderr


@dataclass
class Small:
    name: str = MISSING
    sizes: list[int] = field(default_factory=lambda: [1, 2])


def test_cfg_passthrough_runs_without_hydra_and_validates() -> None:
    @hydra_runner(schema=Small)
    def main(cfg: Any) -> Any:
        return OmegaConf.to_container(cfg)

    assert main(cfg_passthrough={"name": "x"}) == {"name": "x", "sizes": [1, 2]}
    with pytest.raises(ConfigValidationError, match=r"sizes: .* is not a valid"):
        main(cfg_passthrough={"name": "x", "sizes": ["a"]})
    with pytest.raises(TypeError, match="must be a dataclass"):
        hydra_runner(schema={"name": "x"})
