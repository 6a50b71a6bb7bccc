"""Pretrain a BERT encoder with the masked-LM loss on raw text (NeMo's script name and config).

    python examples/nlp/language_modeling/bert_pretraining.py
    python examples/nlp/language_modeling/bert_pretraining.py +encoder_dir=/tmp/bert

Logs, TensorBoard events (train loss, validation perplexity), checkpoints and the ``.nemo`` go
under ``nemo_experiments/<name>/<version>/``. With ``encoder_dir``, the encoder is also written
as a Hugging Face BERT directory, for the classification models'
``language_model.pretrained_model_name``.
"""

from __future__ import annotations

from typing import Any

from nemo.collections.nlp.models import BERTLMModel
from nemo.core.config import hydra_runner
from nemo.utils.training import train_and_test


@hydra_runner(config_path="conf", config_name="bert_pretraining_from_text_config")
def main(cfg: Any) -> None:
    model = train_and_test(BERTLMModel, cfg)
    if cfg.get("encoder_dir"):
        print(f"encoder written to {model.save_encoder(cfg.encoder_dir)}")


if __name__ == "__main__":
    main()
