"""``train_and_test``: what every example training script does, whatever the collection.

Log the config, seed, build the Trainer and the experiment directory, fit, write
``model.nemo_path`` when set, then test on one device (a distributed sampler would pad the test
set and skew the metrics) when the config has a test set with data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["train_and_test"]


def train_and_test(model_class: Any, cfg: Any, *, build: Callable[[Any], Any] | None = None) -> Any:
    """Train ``model_class(cfg=cfg.model, trainer=...)`` (or ``build(trainer)``: a restored
    model to fine-tune, say) as ``cfg`` says and return it, tested where ``cfg.model.test_ds``
    names data."""
    import pytorch_lightning as pl
    from omegaconf import OmegaConf

    from nemo.utils import logging
    from nemo.utils.exp_manager import exp_manager

    logging.info("config:\n%s", OmegaConf.to_yaml(cfg))
    seed = cfg.get("seed")
    if seed is not None:
        pl.seed_everything(int(seed), workers=True)
    trainer = pl.Trainer(**cfg.trainer)
    exp_manager(trainer, cfg.get("exp_manager"))
    model = build(trainer) if build is not None else model_class(cfg=cfg.model, trainer=trainer)
    trainer.fit(model)
    nemo_path = cfg.model.get("nemo_path")
    if nemo_path:
        model.save_to(nemo_path)
    if cfg.model.get("test_ds") is not None:
        tester = pl.Trainer(
            accelerator=cfg.trainer.get("accelerator", "auto"),
            devices=1,
            precision=cfg.trainer.get("precision", "32-true"),
            logger=False,
            enable_checkpointing=False,
        )
        if model.prepare_test(tester):
            if _no_test_data(model):  # a model restored to fine-tune: its data sets are ours
                model.setup_test_data(cfg.model.test_ds)
            if _no_test_data(model):
                logging.info("test_ds names no data: nothing to test")
            else:
                tester.test(model)
    return model


def _no_test_data(model: Any) -> bool:
    loader = model.test_dataloader()
    return isinstance(loader, list) and not loader
