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

from nemo.collections.nlp.models import TextClassificationModel
from nemo.core.config import hydra_runner
from nemo.utils.training import train_and_test


@hydra_runner(config_path="conf", config_name="text_classification_config")
def main(cfg: Any) -> None:
    model = train_and_test(TextClassificationModel, cfg)
    queries = list(cfg.model.get("infer_samples") or [])
    for query, label in zip(queries, model.classify(queries), strict=True):
        print(json.dumps({"query": query, "label": label}))


if __name__ == "__main__":
    main()
