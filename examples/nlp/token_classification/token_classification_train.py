"""Train a token classifier (NeMo's script name and config).

    python examples/nlp/token_classification/token_classification_train.py
    python examples/nlp/token_classification/token_classification_train.py \\
        pretrained_model=token.nemo model.dataset.data_dir=/my/data  # fine-tune a trained model

Logs, TensorBoard events (scalars and the confusion matrix), checkpoints and the ``.nemo`` go
under ``nemo_experiments/<name>/<version>/``. With ``model.test_ds`` set, the trained model is
tested at the end (word-level and entity-level F1), and a few queries are tagged and printed.
"""

from __future__ import annotations

from typing import Any

import pytorch_lightning as pl
from omegaconf import OmegaConf

from nemo.collections.nlp.models import TokenClassificationModel
from nemo.core.config import hydra_runner
from nemo.utils import logging
from nemo.utils.exp_manager import exp_manager


@hydra_runner(config_path="conf", config_name="token_classification_config")
def main(cfg: Any) -> None:
    logging.info("config:\n%s", OmegaConf.to_yaml(cfg))
    if cfg.get("seed") is not None:
        pl.seed_everything(int(cfg.seed), workers=True)
    trainer = pl.Trainer(**cfg.trainer)
    exp_manager(trainer, cfg.get("exp_manager"))
    if cfg.get("pretrained_model"):
        name = str(cfg.pretrained_model)
        if name.endswith(".nemo"):
            model = TokenClassificationModel.restore_from(name, trainer=trainer)
        else:
            model = TokenClassificationModel.from_pretrained(name, trainer=trainer)
        model.update_data_dir(cfg.model.dataset.data_dir)
        model.setup_training_data(cfg.model.train_ds)  # the trained model's labels, checked
        model.setup_validation_data(cfg.model.validation_ds)
        model.setup_optimization(cfg.model.optim)
    else:
        model = TokenClassificationModel(cfg.model, trainer=trainer)
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
    for tagged in model.add_predictions(["turn on the red lamp in the kitchen", "find my keys"]):
        print(tagged)


if __name__ == "__main__":
    main()
