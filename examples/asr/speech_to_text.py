"""Train a character CTC model (QuartzNet, Jasper) from a Hydra config.

    python examples/asr/speech_to_text.py                                  # the small config
    python examples/asr/speech_to_text.py --config-name quartznet_15x5 \\
        model.train_ds.manifest_filepath=train.json \\
        model.validation_ds.manifest_filepath=dev.json
    python examples/asr/speech_to_text.py model.optim.name=adamw model.optim.lr=3e-4 \\
        trainer.max_steps=500 exp_manager.name=my_run

Logs, TensorBoard events, checkpoints and the final ``<name>.nemo`` go under
``nemo_experiments/<name>/<version>/`` (``exp_manager.resume_if_exists=true`` continues an
interrupted run). With ``model.test_ds.manifest_filepath`` set, the trained model is tested on
one device at the end.
"""

from __future__ import annotations

from typing import Any

from nemo.collections.asr.models import EncDecCTCModel
from nemo.core.config import hydra_runner
from nemo.utils.training import train_and_test


@hydra_runner(config_path="conf", config_name="quartznet_small")
def main(cfg: Any) -> None:
    train_and_test(EncDecCTCModel, cfg)


if __name__ == "__main__":
    main()
