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

from nemo.collections.nlp.models import IntentSlotClassificationModel
from nemo.core.config import hydra_runner
from nemo.utils.training import train_and_test


@hydra_runner(config_path="conf", config_name="intent_slot_classification_config")
def main(cfg: Any) -> None:
    model = train_and_test(IntentSlotClassificationModel, cfg)
    queries = ["please turn on the red lamp in the living room", "where is my black camera"]
    for query, parsed in zip(queries, model.parse(queries), strict=True):
        print(json.dumps({"query": query, **parsed}))


if __name__ == "__main__":
    main()
