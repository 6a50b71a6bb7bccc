"""Train a FastPitch spectrogram generator (NeMo's script name and config keys).

    python examples/tts/fastpitch.py
    python examples/tts/fastpitch.py trainer.max_epochs=5 \\
        model.train_ds.dataloader_params.batch_size=8

The alignment is learned (no external aligner); ``pitch_mean``/``pitch_std`` are measured on
the training set when the config leaves them null. TensorBoard gets the losses, mel images
(target, teacher-forced, predicted, alignment) and a Griffin-Lim rendering of the prediction;
the ``.nemo`` goes to ``model.nemo_path`` when set.
"""

from __future__ import annotations

from typing import Any

from nemo.collections.tts.models import FastPitchModel
from nemo.core.config import hydra_runner
from nemo.utils.training import train_and_test


@hydra_runner(config_path="conf", config_name="fastpitch")
def main(cfg: Any) -> None:
    train_and_test(FastPitchModel, cfg)


if __name__ == "__main__":
    main()
