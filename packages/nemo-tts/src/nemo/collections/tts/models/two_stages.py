"""Griffin-Lim as a vocoder model (NeMo's ``two_stages.GriffinLimModel``): no training, the
baseline every neural vocoder is compared with."""

from __future__ import annotations

from typing import Any

import pytorch_lightning as pl
import torch
from omegaconf import DictConfig

from nemo.collections.tts.models._frontend import MelFrontEnd
from nemo.collections.tts.models.base import Vocoder, check_mel_channels
from nemo.collections.tts.parts.utils.griffin_lim import griffin_lim, mel_to_linear
from nemo.core.classes import typecheck
from nemo.core.neural_types import AudioSignal, MelSpectrogramType, NeuralType

__all__ = ["GriffinLimModel"]


class GriffinLimModel(Vocoder):
    """Config: ``preprocessor`` (the mel definition to invert), ``n_iters``, ``momentum``,
    ``power``."""

    def __init__(self, cfg: DictConfig | dict[str, Any], trainer: pl.Trainer | None = None):
        super().__init__(cfg=cfg, trainer=trainer)
        self.preprocessor = self.from_config_dict(self._cfg.preprocessor)

    @classmethod
    def for_generator(cls, generator: Any, n_iters: int = 32) -> GriffinLimModel:
        """The Griffin-Lim vocoder of ``generator``'s own mel definition."""
        return cls({"preprocessor": generator.cfg.preprocessor, "n_iters": n_iters})

    @property
    def mel(self) -> MelFrontEnd:
        return MelFrontEnd(self.preprocessor)

    @typecheck(
        input_types={"spec": NeuralType(("B", "D", "T_spec"), MelSpectrogramType())},
        output_types={"audio": NeuralType(("B", "T_audio"), AudioSignal())},
    )
    def convert_spectrogram_to_audio(self, spec: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        settings = self.mel
        check_mel_channels(spec, settings.n_mels, type(self).__name__)
        with torch.no_grad():
            linear = mel_to_linear(
                spec, settings.filterbank.to(spec.device), settings.log_zero_guard_value
            )
            return griffin_lim(
                linear,
                settings.n_fft,
                settings.hop_length,
                settings.win_length,
                n_iters=int(self._cfg.get("n_iters", 32)),
                momentum=float(self._cfg.get("momentum", 0.99)),
                power=float(self._cfg.get("power", 1.2)),
            )

    def setup_training_data(self, train_data_config: Any) -> None:
        """Griffin-Lim has nothing to learn."""

    def setup_validation_data(self, val_data_config: Any) -> None:
        """Griffin-Lim has nothing to validate."""
