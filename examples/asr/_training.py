"""What the training scripts share: Trainer, experiment directory, fit, then test."""

from __future__ import annotations

from typing import Any

import pytorch_lightning as pl
from omegaconf import OmegaConf

from nemo.utils import logging
from nemo.utils.exp_manager import exp_manager

__all__ = ["train_and_test"]


def train_and_test(model_class: Any, cfg: Any) -> Any:
    """Train ``model_class`` as ``cfg`` says; test it when a test set is configured."""
    logging.info("config:\n%s", OmegaConf.to_yaml(cfg))
    seed = cfg.get("seed")
    if seed is not None:
        pl.seed_everything(int(seed), workers=True)
    trainer = pl.Trainer(**cfg.trainer)
    exp_manager(trainer, cfg.get("exp_manager"))
    model = model_class(cfg=cfg.model, trainer=trainer)
    trainer.fit(model)
    test_ds = cfg.model.get("test_ds")
    if test_ds is not None and test_ds.get("manifest_filepath"):
        # One device: a distributed sampler would pad the test set and skew the metrics.
        tester = pl.Trainer(
            accelerator=cfg.trainer.get("accelerator", "auto"),
            devices=1,
            precision=cfg.trainer.get("precision", "32-true"),
            logger=False,
            enable_checkpointing=False,
        )
        if model.prepare_test(tester):
            tester.test(model)
    return model
