"""Real interruptions and real data parallelism (slow session).

* A training killed with SIGKILL at a random moment, started again with the same command (twice),
  ends with the same final weights, bit for bit, as an uninterrupted run.
* Two CPU processes (gloo, Lightning's ``ddp`` strategy) through the same code path: one process
  writes the checkpoints, both end with identical weights, and an interrupted data-parallel run
  resumes (both ranks from the checkpoint rank 0 chose) to the uninterrupted run's weights.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    import pytorch_lightning as pl
    import torch
    from core_exp_models import ExpModel, exp_config, quiet_trainer
    from nemo.utils.exp_manager import exp_manager

    devices = int(os.environ.get("DEVICES", "1"))
    interrupt_at = int(os.environ.get("INTERRUPT_AT", "-1"))
    writes = []

    def audit(event, args):  # which process opens files for writing in checkpoints/
        if event == "open" and "checkpoints" in str(args[0]):
            mode, flags = args[1], args[2]
            writing = (mode and any(c in mode for c in "wax+"))
            if writing or (flags or 0) & (os.O_WRONLY | os.O_RDWR):
                writes.append(str(args[0]))

    sys.addaudithook(audit)

    class Progress(pl.Callback):
        def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
            if trainer.global_step == interrupt_at:
                raise SystemExit(3)
            print(f"STEP {trainer.global_step}", flush=True)

    pl.seed_everything(0, verbose=False)
    trainer = quiet_trainer(
        max_epochs=4,
        devices=devices,
        strategy="ddp" if devices > 1 else "auto",
        callbacks=[Progress()],
    )
    log_dir = exp_manager(trainer, {
        "name": "run",
        "resume_if_exists": True,
        "resume_ignore_no_checkpoint": True,
        "create_tensorboard_logger": False,
        "checkpoint_callback_params": {"every_n_train_steps": 1, "monitor": None, "save_top_k": 1},
    })
    print(f"RESUME rank={trainer.global_rank} from={trainer.ckpt_path}", flush=True)
    model = ExpModel(exp_config(train_ds={"batch_size": 2, "num_samples": 40}), trainer=trainer)
    trainer.fit(model)
    rank = trainer.global_rank
    torch.save(model.state_dict(), f"final_rank{rank}.pt")
    with open(f"writes_rank{rank}.json", "w") as f:
        json.dump(writes, f)
    """
)


def write_script(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "train.py"
    script.write_text(SCRIPT)
    return script


def env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1", **extra}


def run_to_end(directory: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "train.py"],
        cwd=directory,
        env=env(**extra),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return done


def kill_at_step(directory: Path, step: int, delay: float) -> None:
    """Start the script, and SIGKILL it ``delay`` seconds after it reports ``step``."""
    process = subprocess.Popen(
        [sys.executable, "train.py"],
        cwd=directory,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.strip() == f"STEP {step}":
                time.sleep(delay)
                process.kill()
                break
        else:
            raise AssertionError(f"the run ended before step {step}")
    finally:
        process.kill()
        process.wait(timeout=60)


def same_weights(a: Path, b: Path) -> None:
    first, second = torch.load(a), torch.load(b)
    assert first.keys() == second.keys()
    for name in first:
        assert torch.equal(first[name], second[name]), name


def test_sigkill_at_random_moments_then_same_command_gives_identical_weights(
    tmp_path: Path,
) -> None:
    seed = random.randrange(2**32)
    chooser = random.Random(seed)
    reference = tmp_path / "reference"
    write_script(reference)
    run_to_end(reference)

    killed = tmp_path / "killed"
    write_script(killed)
    steps = sorted(chooser.sample(range(1, 79), 2))  # 4 epochs of 20 steps
    for step in steps:
        kill_at_step(killed, step, delay=chooser.uniform(0.0, 0.05))
    done = run_to_end(killed)
    assert "RESUME rank=0 from=" in done.stdout and "from=None" not in done.stdout, (seed, steps)
    same_weights(reference / "final_rank0.pt", killed / "final_rank0.pt")
    checkpoints = killed / "nemo_experiments" / "run" / "checkpoints"
    assert sorted(p.name for p in checkpoints.glob("*last.ckpt")) == ["run--last.ckpt"]
    assert not list(checkpoints.glob(".*.partial")), (seed, steps)
    assert (checkpoints / "run.nemo").is_file()


def test_two_cpu_processes_one_writer_identical_weights_and_resume(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    write_script(reference)
    done = run_to_end(reference, DEVICES="2")
    same_weights(reference / "final_rank0.pt", reference / "final_rank1.pt")
    log_dir = reference / "nemo_experiments" / "run"
    assert (log_dir / "nemo_log_globalrank-0_localrank-0.txt").is_file()
    assert (log_dir / "nemo_log_globalrank-1_localrank-1.txt").is_file()
    import json

    assert json.loads((reference / "writes_rank1.json").read_text()) == []
    assert json.loads((reference / "writes_rank0.json").read_text())
    assert (log_dir / "checkpoints" / "run.nemo").is_file()
    assert "RESUME rank=1 from=None" in done.stdout

    interrupted = tmp_path / "interrupted"
    write_script(interrupted)
    first = subprocess.run(
        [sys.executable, "train.py"],
        cwd=interrupted,
        env=env(DEVICES="2", INTERRUPT_AT="13"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert first.returncode != 0
    done = run_to_end(interrupted, DEVICES="2")
    last = interrupted / "nemo_experiments" / "run" / "checkpoints" / "run--last.ckpt"
    assert f"RESUME rank=0 from={last}" in done.stdout
    assert f"RESUME rank=1 from={last}" in done.stdout
    same_weights(interrupted / "final_rank0.pt", interrupted / "final_rank1.pt")
    same_weights(reference / "final_rank0.pt", interrupted / "final_rank0.pt")
