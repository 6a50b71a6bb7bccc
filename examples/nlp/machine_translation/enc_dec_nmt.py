"""Train a transformer translation model (NeMo's script name, config and dataclass).

    # the bundled English->German command corpus (the shipped nmt_en_de_commands recipe)
    python examples/nlp/machine_translation/enc_dec_nmt.py --config-name nmt_en_de_commands
    # NeMo's base transformer on your own parallel files
    python examples/nlp/machine_translation/enc_dec_nmt.py \\
        model.train_ds.src_file_name=train.en model.train_ds.tgt_file_name=train.de \\
        model.validation_ds.src_file_name=dev.en model.validation_ds.tgt_file_name=dev.de \\
        model.encoder_tokenizer.vocab_size=8000
    # no YAML at all: the dataclass MTEncDecConfig (AAYNBaseConfig) plus the command line
    python examples/nlp/machine_translation/enc_dec_nmt.py --config-name aayn_base_config ...

Values come from the dataclass, then the YAML, then the command line. Logs, TensorBoard events
(``val_sacreBLEU`` per validation), checkpoints and ``<name>.nemo`` go under
``nemo_experiments/<name>/``. ``do_testing=true`` tests on ``model.test_ds`` at the end.
"""

from __future__ import annotations

from typing import Any

from omegaconf import open_dict

from nemo.collections.nlp.models import MTEncDecModel
from nemo.collections.nlp.models.machine_translation.mt_enc_dec_config import (
    MTEncDecConfig,
    register_configs,
)
from nemo.core.config import hydra_runner
from nemo.utils import logging
from nemo.utils.training import train_and_test

register_configs()


@hydra_runner(config_path="conf", config_name="aayn_base", schema=MTEncDecConfig)
def main(cfg: Any) -> None:
    if not cfg.do_testing:
        with open_dict(cfg):
            cfg.model.test_ds = None
    if not cfg.do_training:
        model = MTEncDecModel(cfg=cfg.model)
        logging.info(f"do_training=false: built {model.num_weights} weights, trained none")
        return
    model = train_and_test(MTEncDecModel, cfg)
    samples = ["turn on the red lamp in the living room", "where are my keys"]
    for source, target in zip(samples, model.translate(samples), strict=True):
        print(f"{source} -> {target}")


if __name__ == "__main__":
    main()
