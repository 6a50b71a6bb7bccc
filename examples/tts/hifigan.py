"""Train a HiFi-GAN vocoder (NeMo's script name and config keys).

    python examples/tts/hifigan.py
    python examples/tts/hifigan.py trainer.max_epochs=5 \\
        model.train_ds.dataloader_params.batch_size=4

Trained on random 8192-sample segments with the generator and discriminator optimizers
stepped by hand each batch; TensorBoard gets the losses and a generated validation clip; the
``.nemo`` goes to ``model.nemo_path`` when set.
"""

from __future__ import annotations

from typing import Any

from nemo.collections.tts.models import HifiGanModel
from nemo.core.config import hydra_runner
from nemo.utils.training import train_and_test


@hydra_runner(config_path="conf", config_name="hifigan")
def main(cfg: Any) -> None:
    train_and_test(HifiGanModel, cfg)


if __name__ == "__main__":
    main()
