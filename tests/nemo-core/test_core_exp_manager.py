"""exp_manager on Lightning 2: directory layout, misconfiguration errors, checkpoints, resume."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytorch_lightning as pl
import torch
from core_exp_models import ExpModel, SteppedWeight, exp_config, quiet_trainer, weights
from omegaconf.errors import ConfigKeyError
from pytorch_lightning.callbacks import EarlyStopping, ModelCheckpoint
from pytorch_lightning.loggers import TensorBoardLogger

from nemo.core.classes import ModelPT
from nemo.utils.app_state import AppState
from nemo.utils.exceptions import (
    CheckpointMisconfigurationError,
    ConfigValidationError,
    LoggerMisconfigurationError,
    NotFoundError,
)
from nemo.utils.exp_manager import (
    NEMO_ENV_VARNAME_RESUME,
    NEMO_ENV_VARNAME_VERSION,
    AtomicCheckpointIO,
    NeMoModelCheckpoint,
    exp_manager,
)

DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test in its own directory; what exp_manager exports never leaks to the next test."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(NEMO_ENV_VARNAME_VERSION, raising=False)
    monkeypatch.delenv(NEMO_ENV_VARNAME_RESUME, raising=False)
    AppState().reset()
    yield
    AppState().reset()


def no_logger_no_ckpt(**kwargs: Any) -> dict[str, Any]:
    return {"create_tensorboard_logger": False, "create_checkpoint_callback": False, **kwargs}


class TestConfig:
    def test_every_problem_of_the_config_in_one_error(self) -> None:
        with pytest.raises(ConfigValidationError) as info:
            exp_manager(
                quiet_trainer(),
                {"unused": 1, "resume_if_exist": True, "create_tensorboard_logger": "maybe"},
            )
        message = str(info.value)
        assert "3 problems" in message
        assert "unused: unknown key" in message
        assert "did you mean 'resume_if_exists'" in message
        assert "create_tensorboard_logger: 'maybe' is not a valid bool" in message
        assert isinstance(info.value, ConfigKeyError)  # what NeMo raised for an unknown key

    def test_nested_unknown_key_names_its_path(self) -> None:
        with pytest.raises(ConfigValidationError, match=r"checkpoint_callback_params\.monitr"):
            exp_manager(quiet_trainer(), {"checkpoint_callback_params": {"monitr": "x"}})

    def test_not_a_mapping(self) -> None:
        with pytest.raises(ValueError, match="must be a DictConfig or a dict"):
            exp_manager(quiet_trainer(), ["name"])  # type: ignore[arg-type]

    def test_disabled_without_cfg_or_with_fast_dev_run(self) -> None:
        assert exp_manager(quiet_trainer(), None) is None
        assert exp_manager(quiet_trainer(fast_dev_run=True), {}) is None
        assert not Path("nemo_experiments").exists()


class TestMisconfiguration:
    def test_default_trainer_logger_clashes_with_exp_manager_loggers(self) -> None:
        for cfg in ({}, {"explicit_log_dir": "x"}, {"resume_if_exists": True}):
            trainer = pl.Trainer(enable_checkpointing=False, enable_progress_bar=False)
            with pytest.raises(LoggerMisconfigurationError, match="logger=False"):
                exp_manager(trainer, cfg)

    def test_explicit_log_dir_with_trainer_logger(self) -> None:
        trainer = pl.Trainer(enable_checkpointing=False)
        with pytest.raises(LoggerMisconfigurationError, match="explicit_log_dir"):
            exp_manager(trainer, no_logger_no_ckpt(explicit_log_dir="x"))

    def test_trainer_logger_decides_the_directory(self) -> None:
        trainer = pl.Trainer(enable_checkpointing=False, enable_progress_bar=False)
        log_dir = exp_manager(trainer, no_logger_no_ckpt())
        assert log_dir == Path.cwd() / "lightning_logs" / "version_0"
        with pytest.raises(LoggerMisconfigurationError, match="name"):
            exp_manager(pl.Trainer(enable_checkpointing=False), no_logger_no_ckpt(name="mine"))

    def test_default_trainer_checkpointing_clashes_with_checkpoint_callback(self) -> None:
        trainer = pl.Trainer(logger=False, enable_progress_bar=False)
        with pytest.raises(CheckpointMisconfigurationError, match="enable_checkpointing=False"):
            exp_manager(trainer, {"create_tensorboard_logger": False})
        assert not Path("nemo_experiments").exists()  # refused before creating anything

    def test_wandb_needs_name_or_project_then_the_package(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with pytest.raises(ValueError, match="name nor a project"):
            exp_manager(quiet_trainer(), {"create_wandb_logger": True})
        monkeypatch.setitem(sys.modules, "wandb", None)  # as if not installed
        with pytest.raises(ModuleNotFoundError, match="pip install wandb"):
            exp_manager(
                quiet_trainer(),
                {"create_wandb_logger": True, "wandb_logger_kwargs": {"project": "p"}},
            )

    def test_summary_writer_log_dir_is_refused(self) -> None:
        with pytest.raises(ValueError, match="log_dir"):
            exp_manager(quiet_trainer(), {"summary_writer_kwargs": {"log_dir": "x"}})

    def test_both_rank_0_only_log_options(self) -> None:
        with pytest.raises(ValueError, match="at most one"):
            exp_manager(
                quiet_trainer(),
                no_logger_no_ckpt(log_global_rank_0_only=True, log_local_rank_0_only=True),
            )

    def test_missing_files_to_copy(self) -> None:
        with pytest.raises(FileNotFoundError, match="files_to_copy"):
            exp_manager(quiet_trainer(), no_logger_no_ckpt(files_to_copy=["nope.yaml"]))


class TestDirectories:
    def test_default_is_nemo_experiments_default_datetime(self) -> None:
        log_dir = exp_manager(quiet_trainer(), {})
        assert log_dir is not None
        assert log_dir.parent == Path.cwd() / "nemo_experiments" / "default"
        assert DATETIME.fullmatch(log_dir.name)

    def test_explicit_version_and_numbered_versions(self) -> None:
        exp_dir = Path("runs").absolute()
        assert exp_manager(quiet_trainer(), {"exp_dir": str(exp_dir), "version": 957}) == (
            exp_dir / "default" / "957"
        )
        for expected in ("version_0", "version_1"):
            log_dir = exp_manager(
                quiet_trainer(), {"exp_dir": str(exp_dir), "use_datetime_version": False}
            )
            assert log_dir == exp_dir / "default" / expected

    def test_explicit_log_dir_is_used_verbatim(self) -> None:
        log_dir = exp_manager(
            quiet_trainer(), {"explicit_log_dir": "exact/place", "exp_dir": "ignored"}
        )
        assert log_dir == Path("exact/place").absolute()
        assert AppState().checkpoint_name == "default"

    def test_tensorboard_logger_writes_in_the_log_dir(self) -> None:
        trainer = quiet_trainer()
        log_dir = exp_manager(trainer, {"name": "tb", "version": "v"})
        assert isinstance(trainer.logger, TensorBoardLogger)
        assert Path(trainer.logger.log_dir) == log_dir
        assert trainer.default_root_dir == str(log_dir)
        state = AppState()
        assert (state.log_dir, state.name, state.version) == (log_dir, "tb", "v")

    def test_callbacks_added(self) -> None:
        trainer = quiet_trainer()
        exp_manager(
            trainer,
            {
                "create_early_stopping_callback": True,
                "early_stopping_callback_params": {"patience": 2},
                "checkpoint_callback_params": {"save_top_k": 1},
            },
        )
        stopping = [c for c in trainer.callbacks if isinstance(c, EarlyStopping)]  # type: ignore[attr-defined]
        checkpoints = [c for c in trainer.callbacks if isinstance(c, ModelCheckpoint)]  # type: ignore[attr-defined]
        assert len(stopping) == 1 and stopping[0].patience == 2
        assert len(checkpoints) == 1 and isinstance(checkpoints[0], NeMoModelCheckpoint)
        assert checkpoints[0].save_top_k == 1
        assert isinstance(trainer.strategy.checkpoint_io, AtomicCheckpointIO)

    def test_plugins_add_callbacks_and_loggers(self, plugin_site: Any) -> None:
        plugin_site(
            "nemo-extras",
            plugins={"extras": "nemo_extras_plugin"},
            modules={
                "nemo_extras_plugin": """
                    from nemo.core.plugins import hookimpl

                    @hookimpl
                    def nemo_trainer_callbacks(config):
                        from pytorch_lightning.callbacks import Timer
                        assert config.exp_manager.name == "plugged"
                        return [Timer()]

                    @hookimpl
                    def nemo_trainer_loggers(config, log_dir):
                        from pytorch_lightning.loggers import CSVLogger
                        return [CSVLogger(save_dir=str(log_dir), name="csv")]
                """
            },
        )
        from nemo.core import plugins

        plugins.refresh()
        trainer = quiet_trainer()
        log_dir = exp_manager(trainer, no_logger_no_ckpt(name="plugged"))
        from pytorch_lightning.callbacks import Timer
        from pytorch_lightning.loggers import CSVLogger

        assert any(isinstance(c, Timer) for c in trainer.callbacks)  # type: ignore[attr-defined]
        csv = [lg for lg in trainer.loggers if isinstance(lg, CSVLogger)]
        assert len(csv) == 1 and Path(csv[0].save_dir) == log_dir


def train(cfg: dict[str, Any], model_cls: type = ExpModel, **trainer_kwargs: Any) -> Any:
    pl.seed_everything(0, verbose=False)
    trainer = quiet_trainer(**{"max_epochs": 2, **trainer_kwargs})
    log_dir = exp_manager(trainer, cfg)
    model = model_cls(exp_config(), trainer=trainer)
    trainer.fit(model)
    return log_dir, model, trainer


class TestLayout:
    def test_files_of_a_training_run(self, tmp_path: Path) -> None:
        subprocess.run(["git", "init", "-q"], check=True)
        Path("tracked.txt").write_text("v1\n")
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
        subprocess.run(["git", "add", "tracked.txt"], check=True)
        subprocess.run([*git, "commit", "-qm", "init"], check=True)
        Path("tracked.txt").write_text("v2\n")
        Path("extra.yaml").write_text("a: 1\n")

        log_dir, model, _ = train({"name": "mymodel", "files_to_copy": ["extra.yaml"]})

        names = {p.name for p in log_dir.iterdir()}
        assert {
            "cmd-args.log",
            "git-info.log",
            "lightning_logs.txt",
            "nemo_error_log.txt",
            "nemo_log_globalrank-0_localrank-0.txt",
            "hparams.yaml",
            "extra.yaml",
            "checkpoints",
        } <= names
        assert any(name.startswith("events.out.tfevents") for name in names)
        assert (log_dir / "cmd-args.log").read_text() == " ".join(sys.argv)
        git_info = (log_dir / "git-info.log").read_text()
        assert git_info.startswith("commit hash: ") and "+v2" in git_info
        assert "Restoring" not in (log_dir / "lightning_logs.txt").read_text()

        checkpoints = sorted(p.name for p in (log_dir / "checkpoints").iterdir())
        assert "mymodel--last.ckpt" in checkpoints
        assert any(
            re.fullmatch(r"mymodel--val_loss=\d+\.\d\d-epoch=\d\.ckpt", n) for n in checkpoints
        )
        assert not [n for n in checkpoints if n.endswith(".partial")]
        restored = ModelPT.restore_from(log_dir / "checkpoints" / "mymodel.nemo")
        assert type(restored).__name__ == "ExpModel"
        for name, value in weights(model).items():
            assert torch.equal(restored.state_dict()[name], value)

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({}, 0.03),
            ({"save_best_model": True}, 0.0),
            ({"save_best_model": True, "always_save_nemo": True}, 0.0),
        ],
    )
    def test_final_nemo_holds_last_or_best_weights(
        self, params: dict[str, Any], expected: float
    ) -> None:
        log_dir, model, _ = train(
            {"checkpoint_callback_params": params}, model_cls=SteppedWeight, max_epochs=4
        )
        restored = ModelPT.restore_from(log_dir / "checkpoints" / "default.nemo")
        assert abs(float(restored.w) - expected) < 1e-6
        assert abs(float(model.w) - expected) < 1e-6  # the model in memory too

    def test_always_save_nemo_writes_it_during_training(self) -> None:
        class StopAfterFirstCheckpoint(pl.Callback):
            def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: Any) -> None:
                nemo = AppState().log_dir / "checkpoints" / "default.nemo"  # type: ignore[operator]
                self.seen = nemo.is_file()

        probe = StopAfterFirstCheckpoint()
        train(
            {
                "checkpoint_callback_params": {
                    "always_save_nemo": True,
                    "save_nemo_on_train_end": False,
                }
            },
            max_epochs=1,
            callbacks=[probe],
        )
        # the checkpoint callback runs after the others: at the first epoch's end, no .nemo yet
        assert probe.seen is False
        assert (AppState().log_dir / "checkpoints" / "default.nemo").is_file()  # type: ignore[operator]


def make_checkpoints(log_dir: Path, *names: str) -> Path:
    directory = log_dir / "checkpoints"
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        torch.save({"state_dict": {}}, directory / name)
    return directory


class TestResumeChoice:
    def resume(self, **cfg: Any) -> tuple[pl.Trainer, Path | None]:
        trainer = quiet_trainer()
        log_dir = exp_manager(
            trainer, {"exp_dir": "runs", "name": "m", "resume_if_exists": True, **cfg}
        )
        return trainer, log_dir

    def test_nothing_to_resume(self) -> None:
        with pytest.raises(NotFoundError, match="resume_ignore_no_checkpoint"):
            self.resume()
        make_checkpoints(Path("runs/m").absolute())
        with pytest.raises(NotFoundError, match=r"no \*last\.ckpt"):
            self.resume()
        trainer, log_dir = self.resume(resume_ignore_no_checkpoint=True)
        assert trainer.ckpt_path is None and log_dir == Path("runs/m").absolute()

    def test_finished_or_ambiguous_runs(self) -> None:
        directory = make_checkpoints(Path("runs/m").absolute(), "m--end.ckpt")
        with pytest.raises(ValueError, match="resume_past_end"):
            self.resume()
        trainer, _ = self.resume(resume_past_end=True)  # NeMo quirk 7 fixed
        assert trainer.ckpt_path == str(directory / "m--end.ckpt")
        (directory / "m--end.ckpt").unlink()
        make_checkpoints(Path("runs/m").absolute(), "a--last.ckpt", "b--last.ckpt")
        with pytest.raises(ValueError, match="a--last.ckpt.*b--last.ckpt.*delete the others"):
            self.resume()

    def test_incomplete_checkpoint_is_never_picked(self) -> None:
        directory = make_checkpoints(Path("runs/m").absolute(), "mymodel--last.ckpt")
        data = (directory / "mymodel--last.ckpt").read_bytes()
        (directory / "mymodel--last.ckpt").write_bytes(data[: len(data) // 2])
        with pytest.raises(ValueError, match="not a complete checkpoint"):
            self.resume()

    def test_resume_sets_ckpt_path_and_moves_previous_files(self) -> None:
        log_dir = Path("runs/m").absolute()
        directory = make_checkpoints(log_dir, "mymodel--last.ckpt")
        (directory / ".mymodel--last.ckpt.x1y2.partial").write_bytes(b"half")
        trainer, got = self.resume()
        assert got == log_dir
        assert trainer.ckpt_path == str(directory / "mymodel--last.ckpt")
        assert not (directory / ".mymodel--last.ckpt.x1y2.partial").exists()
        assert not (log_dir / "run_0").exists()  # the first run had no files yet
        self.resume()
        assert (log_dir / "run_0" / "lightning_logs.txt").is_file()
        assert (log_dir / "run_0" / "cmd-args.log").is_file()
        self.resume()
        assert (log_dir / "run_1" / "lightning_logs.txt").is_file()

    def test_resume_from_an_explicit_checkpoint(self) -> None:
        directory = make_checkpoints(Path("elsewhere").absolute(), "x.ckpt")
        trainer, _ = self.resume(resume_from_checkpoint=str(directory / "x.ckpt"))
        assert trainer.ckpt_path == str(directory / "x.ckpt")
        with pytest.raises(NotFoundError, match="does not exist"):
            self.resume(resume_from_checkpoint="missing.ckpt")


def test_rank_0_decides_and_the_other_ranks_follow(tmp_path: Path) -> None:
    """Rank 0 exports its choices; a rank started by Lightning's launcher takes them."""
    import os

    directory = make_checkpoints(Path("runs/m").absolute(), "m--last.ckpt")
    cfg = {"exp_dir": "runs", "name": "m", "resume_if_exists": True}
    ddp = {"accelerator": "cpu", "devices": 2, "strategy": "ddp", "logger": False}
    rank0 = pl.Trainer(enable_checkpointing=False, **ddp)
    assert rank0.global_rank == 0
    exp_manager(rank0, {**cfg, "version": None, "create_tensorboard_logger": False})
    assert os.environ[NEMO_ENV_VARNAME_RESUME] == str(directory / "m--last.ckpt")
    # Another *last.ckpt appears: rank 0's choice stands for the ranks it starts.
    torch.save({}, directory / "other--last.ckpt")
    script = f"""
import pytorch_lightning as pl
from nemo.utils.exp_manager import exp_manager
trainer = pl.Trainer(enable_checkpointing=False, **{ddp!r})
exp_manager(trainer, {{**{cfg!r}, "create_tensorboard_logger": False}})
print("RANK", trainer.global_rank, "FROM", trainer.ckpt_path)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "LOCAL_RANK": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"RANK 1 FROM {directory / 'm--last.ckpt'}" in done.stdout
    # a single-process run exports nothing for later scripts to inherit
    os.environ.pop(NEMO_ENV_VARNAME_RESUME)
    exp_manager(quiet_trainer(), {"name": "solo"})
    assert NEMO_ENV_VARNAME_RESUME not in os.environ
    assert NEMO_ENV_VARNAME_VERSION not in os.environ


class Interrupt(Exception):
    pass


class InterruptAt(pl.Callback):
    """Stops training with an exception at the start of a given global step."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_train_batch_start(self, trainer: pl.Trainer, *args: Any) -> None:
        if trainer.global_step == self.step:
            raise Interrupt


def run_to_end(directory: str, checkpoint_params: dict[str, Any], interrupt_at: int | None = None):  # type: ignore[no-untyped-def]
    cfg = {
        "exp_dir": directory,
        "name": "m",
        "resume_if_exists": True,
        "resume_ignore_no_checkpoint": True,
        "create_tensorboard_logger": False,
        "checkpoint_callback_params": checkpoint_params,
    }
    callbacks = [] if interrupt_at is None else [InterruptAt(interrupt_at)]
    try:
        _, model, trainer = train(cfg, max_epochs=3, callbacks=callbacks)
    except Interrupt:
        return None
    return model, trainer


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, torch.Tensor]]:
    """Final weights of uninterrupted runs, per checkpointing mode."""
    results = {}
    for mode, params in CHECKPOINT_MODES.items():
        directory = tmp_path_factory.mktemp(mode)
        result = run_to_end(str(directory), params)
        assert result is not None
        results[mode] = weights(result[0])
    return results


CHECKPOINT_MODES = {
    "every_step": {"every_n_train_steps": 1, "monitor": None, "save_top_k": 1},
    "epochs": {},
}


class TestExactResume:
    """An interrupted run, started again with the same configuration, ends bit-identical."""

    @pytest.mark.parametrize(
        ("mode", "interrupt_at"),
        [
            ("every_step", 4),  # mid-epoch: the loader skips the 4 batches already trained on
            ("every_step", 10),  # the first step of epoch 2 (epoch boundary)
            ("every_step", 23),
            ("epochs", 15),  # resumes from the end of epoch 1: mid-epoch work is redone
        ],
    )
    def test_interrupted_run_ends_with_identical_weights(
        self, uninterrupted: dict[str, Any], mode: str, interrupt_at: int
    ) -> None:
        params = CHECKPOINT_MODES[mode]
        assert run_to_end("runs", params, interrupt_at=interrupt_at) is None
        assert (Path("runs/m/checkpoints/m--last.ckpt")).is_file()
        result = run_to_end("runs", params)
        assert result is not None
        model, trainer = result
        for name, value in uninterrupted[mode].items():
            assert torch.equal(weights(model)[name], value), name
        assert trainer.global_step == 30
        assert trainer.ckpt_path is None  # a later trainer.test(model) tests these weights
        assert Path("runs/m/run_0/cmd-args.log").is_file()


class TestAtomicWrites:
    def test_a_failed_write_leaves_the_previous_checkpoint(self, tmp_path: Path) -> None:
        io = AtomicCheckpointIO()
        target = tmp_path / "ckpt" / "a.ckpt"
        io.save_checkpoint({"value": torch.tensor([1.0])}, target)
        with pytest.raises(Exception, match="pickle|Can't"):
            io.save_checkpoint({"value": lambda: None}, target)
        assert torch.equal(io.load_checkpoint(target)["value"], torch.tensor([1.0]))
        assert [p.name for p in target.parent.iterdir()] == ["a.ckpt"]


def test_resumed_training_keeps_checkpointing(tmp_path: Path) -> None:
    """After a resume, the last checkpoint is replaced in place (one *last.ckpt at a time)."""
    params = CHECKPOINT_MODES["every_step"]
    run_to_end("runs", params, interrupt_at=5)
    run_to_end("runs", params)
    directory = Path("runs/m/checkpoints")
    assert sorted(p.name for p in directory.glob("*last.ckpt")) == ["m--last.ckpt"]
    checkpoint = torch.load(directory / "m--last.ckpt", weights_only=False)
    assert checkpoint["global_step"] == 30
    shutil.rmtree("runs")
