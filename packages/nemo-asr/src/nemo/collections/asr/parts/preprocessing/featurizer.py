"""``WaveformFeaturizer``: audio file -> (augmented) waveform tensor at the model's sample rate.

NeMo keeps this class in ``parts/preprocessing/features.py``; here it has its own module (the
filterbank lives there) and the same constructor and methods.
"""

from __future__ import annotations

from typing import IO, Any

import torch

from nemo.collections.asr.parts.preprocessing.perturb import AudioAugmentor, process_augmentations
from nemo.collections.asr.parts.preprocessing.segment import AudioSegment, AudioSource

__all__ = ["WaveformFeaturizer"]


class WaveformFeaturizer:
    """Loads audio resampled to ``sample_rate`` and applies the augmentor, if any."""

    def __init__(
        self,
        sample_rate: int = 16000,
        int_values: bool = False,
        augmentor: AudioAugmentor | None = None,
    ) -> None:
        self.sample_rate = int(sample_rate)
        self.int_values = bool(int_values)
        self.augmentor = augmentor

    def process(
        self,
        file_path: AudioSource | IO[bytes],
        offset: float = 0.0,
        duration: float = 0.0,
        trim: bool = False,
        orig_sr: int | None = None,
    ) -> torch.Tensor:
        segment = AudioSegment.from_file(
            file_path,
            target_sr=self.sample_rate,
            int_values=self.int_values,
            offset=offset,
            duration=duration,
            trim=trim,
            orig_sr=orig_sr,
        )
        return self.process_segment(segment)

    def process_segment(self, audio_segment: AudioSegment) -> torch.Tensor:
        if self.augmentor is not None:
            self.augmentor.perturb(audio_segment)
        return audio_segment.samples

    def max_augmentation_length(self, length: float) -> float:
        return self.augmentor.max_augmentation_length(length) if self.augmentor else length

    @classmethod
    def from_config(
        cls, input_config: dict[str, Any], perturbation_configs: Any = None
    ) -> WaveformFeaturizer:
        return cls(
            sample_rate=input_config.get("sample_rate", 16000),
            int_values=input_config.get("int_values", False),
            augmentor=process_augmentations(perturbation_configs),
        )
