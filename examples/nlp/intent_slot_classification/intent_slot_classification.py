"""Train a joint intent and slot model (NeMo's script name and config).

    python examples/nlp/intent_slot_classification/intent_slot_classification.py
    python examples/nlp/intent_slot_classification/intent_slot_classification.py \\
        trainer.max_epochs=3 model.language_model.config.num_hidden_layers=1

Logs, TensorBoard events, checkpoints and the final ``<name>.nemo`` go under
``nemo_experiments/<name>/<version>/``. With ``model.test_ds`` set, the trained model is tested
at the end, and a few of the test queries are parsed and printed.
"""

from __future__ import annotations

import json
from typing import Any

import pytorch_lightning as pl
from omegaconf import OmegaConf

from nemo.collections.nlp.models import IntentSlotClassificationModel
from nemo.core.config import hydra_runner
from nemo.utils import logging
from nemo.utils.exp_manager import exp_manager


@hydra_runner(config_path="conf", config_name="intent_slot_classification_config")
def main(cfg: Any) -> None:
    logging.info("config:\n%s", OmegaConf.to_yaml(cfg))
    if cfg.get("seed") is not None:
        pl.seed_everything(int(cfg.seed), workers=True)
    trainer = pl.Trainer(**cfg.trainer)
    exp_manager(trainer, cfg.get("exp_manager"))
    model = IntentSlotClassificationModel(cfg.model, trainer=trainer)
    trainer.fit(model)
    if cfg.model.get("nemo_path"):
        model.save_to(cfg.model.nemo_path)
    if cfg.model.get("test_ds") is not None:
        tester = pl.Trainer(
            accelerator=cfg.trainer.get("accelerator", "auto"), devices=1,
            logger=False, enable_checkpointing=False,
        )  # fmt: skip
        model.setup_test_data(cfg.model.test_ds)
        tester.test(model)
        queries = ["please turn on the red lamp in the living room", "where is my black camera"]
        for query, parsed in zip(queries, model.parse(queries), strict=True):
            print(json.dumps({"query": query, **parsed}))


if __name__ == "__main__":
    main()
