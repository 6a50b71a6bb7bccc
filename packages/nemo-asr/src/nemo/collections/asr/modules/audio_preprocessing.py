"""Audio front-end modules named by NeMo configs: mel-spectrogram features and SpecAugment.

The preprocessor lives in nemo-core (``nemo.core.audio``), shared with TTS; NeMo's class path
``nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor`` names the same class.
"""

from __future__ import annotations

import random

import torch

from nemo.collections.asr.parts.submodules.spectr_augment import SpecAugment, SpecCutout, make_rng
from nemo.core.audio.preprocessing import AudioToMelSpectrogramPreprocessor
from nemo.core.classes import NeuralModule, typecheck
from nemo.core.neural_types import LengthsType, NeuralType, SpectrogramType

__all__ = ["AudioToMelSpectrogramPreprocessor", "SpectrogramAugmentation"]


class SpectrogramAugmentation(NeuralModule):
    """SpecCutout (``rect_masks``) then SpecAugment (``freq_masks``/``time_masks``).

    Either stage is skipped when its mask count is 0. ``use_vectorized_spec_augment`` and
    ``use_numba_spec_augment`` are accepted for config compatibility: one implementation
    serves all settings.
    """

    def __init__(
        self,
        freq_masks: int = 0,
        time_masks: int = 0,
        freq_width: int = 10,
        time_width: int | float = 10,
        rect_masks: int = 0,
        rect_time: int = 5,
        rect_freq: int = 20,
        rng: random.Random | int | None = None,
        mask_value: float = 0.0,
        use_vectorized_spec_augment: bool = True,
        use_numba_spec_augment: bool = False,
    ) -> None:
        super().__init__()
        del use_vectorized_spec_augment, use_numba_spec_augment
        generator = make_rng(rng)
        self.spec_cutout: SpecCutout | None = None
        self.spec_augment: SpecAugment | None = None
        if rect_masks > 0:
            self.spec_cutout = SpecCutout(rect_masks, rect_time, rect_freq, rng=generator)
        if freq_masks + time_masks > 0:
            self.spec_augment = SpecAugment(
                freq_masks, time_masks, freq_width, time_width, rng=generator,
                mask_value=mask_value,
            )  # fmt: skip

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {
            "input_spec": NeuralType(("B", "D", "T"), SpectrogramType()),
            "length": NeuralType(("B",), LengthsType()),
        }

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"augmented_spec": NeuralType(("B", "D", "T"), SpectrogramType())}

    @typecheck()
    def forward(self, input_spec: torch.Tensor, length: torch.Tensor) -> torch.Tensor:
        augmented = input_spec
        if self.spec_cutout is not None:
            augmented = self.spec_cutout(augmented)
        if self.spec_augment is not None:
            augmented = self.spec_augment(augmented, length)
        return augmented
