"""Train a text classifier (NeMo's script name and config).

    python examples/nlp/text_classification/text_classification_with_bert.py
    python examples/nlp/text_classification/text_classification_with_bert.py \\
        trainer.max_epochs=2 model.dataset.class_balancing=weighted_loss

Logs, TensorBoard events (scalars and the confusion matrix), checkpoints and the ``.nemo`` go
under ``nemo_experiments/<name>/<version>/``. With ``model.test_ds`` set, the trained model is
tested at the end; ``model.infer_samples`` are classified and printed as JSON lines.
"""

from __future__ import annotations

import json
from typing import Any

import pytorch_lightning as pl
from omegaconf import OmegaConf

from nemo.collections.nlp.models import TextClassificationModel
from nemo.core.config import hydra_runner
from nemo.utils import logging
from nemo.utils.exp_manager import exp_manager


@hydra_runner(config_path="conf", config_name="text_classification_config")
def main(cfg: Any) -> None:
    logging.info("config:\n%s", OmegaConf.to_yaml(cfg))
    if cfg.get("seed") is not None:
        pl.seed_everything(int(cfg.seed), workers=True)
    trainer = pl.Trainer(**cfg.trainer)
    exp_manager(trainer, cfg.get("exp_manager"))
    model = TextClassificationModel(cfg.model, trainer=trainer)
    trainer.fit(model)
    if cfg.model.get("nemo_path"):
        model.save_to(cfg.model.nemo_path)
    if cfg.model.get("test_ds") is not None and cfg.model.test_ds.get("file_path"):
        tester = pl.Trainer(
            accelerator=cfg.trainer.get("accelerator", "auto"), devices=1,
            logger=False, enable_checkpointing=False,
        )  # fmt: skip
        model.setup_test_data(cfg.model.test_ds)
        tester.test(model)
    queries = list(cfg.model.get("infer_samples") or [])
    for query, label in zip(queries, model.classify(queries), strict=True):
        print(json.dumps({"query": query, "label": label}))


if __name__ == "__main__":
    main()
