"""Train the model that ``config.yaml`` names, by registry name: ``python train.py [config.yaml]``.

Prints one JSON line: the optimizer and scheduler classes used and the loss before and after.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytorch_lightning as pl
import torch
from omegaconf import OmegaConf

from nemo.core.plugins import models


def main(config_path: Path) -> None:
    cfg = OmegaConf.load(config_path)
    pl.seed_everything(0, verbose=False)
    trainer = pl.Trainer(**OmegaConf.to_container(cfg.trainer))  # type: ignore[arg-type]
    model = models.load(cfg.name)(cfg=cfg.model, trainer=trainer)
    x, y = next(iter(model.train_dataloader()))
    with torch.no_grad():
        before = torch.nn.functional.mse_loss(model(x), y).item()
    trainer.fit(model)
    with torch.no_grad():
        after = torch.nn.functional.mse_loss(model(x), y).item()
    optimizer = trainer.optimizers[0]
    scheduler = trainer.lr_scheduler_configs[0].scheduler
    print(
        json.dumps(
            {
                "optimizer": type(optimizer).__name__,
                "scheduler": type(scheduler).__name__,
                "loss_before": before,
                "loss_after": after,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("config.yaml"))
