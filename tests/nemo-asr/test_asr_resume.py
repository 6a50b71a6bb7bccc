"""An ASR training interrupted mid-epoch and started again ends with the weights of an
uninterrupted one: shuffled (or duration-bucketed) batches, waveform augmentation and SpecAugment
included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytorch_lightning as pl
import torch
from asr_test_helpers import augmented_training_config, write_fixture_manifest

from nemo.collections.asr.models import EncDecCTCModel
from nemo.utils.exp_manager import exp_manager


class _Interrupt(Exception):
    pass


class _InterruptAt(pl.Callback):
    def __init__(self, step: int) -> None:
        self.step = step

    def on_train_batch_start(self, trainer: pl.Trainer, *args: Any) -> None:
        if trainer.global_step == self.step:
            raise _Interrupt


def _run(directory: Path, bucketing: bool, interrupt_at: int | None = None) -> dict[str, Any]:
    """Train 3 epochs of 4 batches with a checkpoint every step; the final weights, or {}."""
    pl.seed_everything(3, verbose=False)
    manifest = write_fixture_manifest(directory.parent / "manifest.json")
    config = augmented_training_config(manifest, batch_size=1, duration_bucketing=bucketing)
    callbacks = [] if interrupt_at is None else [_InterruptAt(interrupt_at)]
    trainer = pl.Trainer(
        accelerator="cpu",
        max_epochs=3,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=callbacks,
    )
    exp_manager(
        trainer,
        {
            "exp_dir": str(directory),
            "name": "m",
            "resume_if_exists": True,
            "resume_ignore_no_checkpoint": True,
            "create_tensorboard_logger": False,
            "checkpoint_callback_params": {
                "every_n_train_steps": 1,
                "monitor": None,
                "save_top_k": 1,
            },
        },
    )
    model = EncDecCTCModel(cfg=config, trainer=trainer)
    try:
        trainer.fit(model)
    except _Interrupt:
        return {}
    assert trainer.global_step == 12
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


@pytest.mark.parametrize("bucketing", [False, True], ids=["shuffled", "duration-bucketed"])
def test_interrupted_asr_training_ends_with_the_uninterrupted_weights(
    tmp_path: Path, bucketing: bool
) -> None:
    uninterrupted = _run(tmp_path / "a" / "runs", bucketing)
    assert _run(tmp_path / "b" / "runs", bucketing, interrupt_at=6) == {}  # mid-epoch 2
    resumed = _run(tmp_path / "b" / "runs", bucketing)
    assert uninterrupted.keys() == resumed.keys()
    assert all(torch.equal(uninterrupted[name], resumed[name]) for name in uninterrupted)
