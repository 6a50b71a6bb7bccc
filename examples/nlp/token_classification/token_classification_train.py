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

from nemo.collections.nlp.models import TokenClassificationModel
from nemo.core.config import hydra_runner
from nemo.utils.training import train_and_test


def _fine_tune(cfg: Any) -> Any:
    """A trained model (``.nemo`` path or registered name) set up on this config's data."""

    def build(trainer: Any) -> TokenClassificationModel:
        name = str(cfg.pretrained_model)
        if name.endswith(".nemo"):
            model = TokenClassificationModel.restore_from(name, trainer=trainer)
        else:
            model = TokenClassificationModel.from_pretrained(name, trainer=trainer)
        model.update_data_dir(cfg.model.dataset.data_dir)
        model.setup_training_data(cfg.model.train_ds)  # the trained model's labels, checked
        model.setup_validation_data(cfg.model.validation_ds)
        model.setup_optimization(cfg.model.optim)
        return model

    return build


@hydra_runner(config_path="conf", config_name="token_classification_config")
def main(cfg: Any) -> None:
    build = _fine_tune(cfg) if cfg.get("pretrained_model") else None
    model = train_and_test(TokenClassificationModel, cfg, build=build)
    for tagged in model.add_predictions(["turn on the red lamp in the kitchen", "find my keys"]):
        print(tagged)


if __name__ == "__main__":
    main()
