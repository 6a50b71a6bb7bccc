"""The mel-spectrogram front end every speech collection shares (NeMo's
``AudioToMelSpectrogramPreprocessor``): ASR computes its input features with it, TTS its
training targets, from the same code."""

from __future__ import annotations

import random

import torch

from nemo.core.audio._random import make_rng
from nemo.core.audio.features import FilterbankFeatures, NormalizeType
from nemo.core.classes import NeuralModule, typecheck
from nemo.core.neural_types import (
    AudioSignal,
    LengthsType,
    MelSpectrogramType,
    NeuralType,
)
from nemo.utils import logging

__all__ = ["AudioToMelSpectrogramPreprocessor"]


def _samples(seconds: float | None, samples: int | None, name: str, sample_rate: int) -> int:
    """A window size or stride in samples from its duration or its sample count, not both."""
    if seconds and samples:
        raise ValueError(
            f"AudioToMelSpectrogramPreprocessor received both {name} (seconds) and "
            f"n_{name} (samples): give one of them and set the other to None"
        )
    if seconds:
        return int(seconds * sample_rate)
    if samples is None:
        raise ValueError(f"give {name} (seconds) or n_{name} (samples)")
    return samples


class AudioToMelSpectrogramPreprocessor(NeuralModule):
    """Batched audio (B, T) → normalised log-mel features (B, D, T') and their lengths.

    Arguments and defaults are NeMo's; the computation is in :class:`FilterbankFeatures`
    (``self.featurizer``, whose ``window`` and ``fb`` buffers are in the state dict).
    Gradients do not flow through it unless ``use_grads``.
    """

    def __init__(
        self,
        sample_rate: int = 16000,
        window_size: float | None = 0.02,
        window_stride: float | None = 0.01,
        n_window_size: int | None = None,
        n_window_stride: int | None = None,
        window: str = "hann",
        normalize: NormalizeType = "per_feature",
        n_fft: int | None = None,
        preemph: float | None = 0.97,
        features: int = 64,
        lowfreq: float = 0,
        highfreq: float | None = None,
        log: bool = True,
        log_zero_guard_type: str = "add",
        log_zero_guard_value: float | str = 2**-24,
        dither: float = 1e-5,
        pad_to: int | str = 16,
        frame_splicing: int = 1,
        exact_pad: bool = False,
        pad_value: float = 0.0,
        mag_power: float = 2.0,
        rng: random.Random | int | None = None,
        nb_augmentation_prob: float = 0.0,
        nb_max_freq: int = 4000,
        use_torchaudio: bool = False,
        mel_norm: str | None = "slaney",
        stft_exact_pad: bool = False,
        stft_conv: bool = False,
        use_grads: bool = False,
    ) -> None:
        super().__init__()
        if use_torchaudio:
            raise ValueError(
                "use_torchaudio=True is not supported: this implementation computes features "
                "in torch only; set use_torchaudio to False"
            )
        if stft_exact_pad or stft_conv:
            logging.warning(
                "stft_exact_pad and stft_conv were removed in NeMo and are ignored; "
                "set exact_pad=True for exact padding"
            )
        self._sample_rate = sample_rate
        self.use_grads = use_grads
        self.featurizer = FilterbankFeatures(
            sample_rate=sample_rate,
            n_window_size=_samples(window_size, n_window_size, "window_size", sample_rate),
            n_window_stride=_samples(window_stride, n_window_stride, "window_stride", sample_rate),
            window=window,
            normalize=normalize,
            n_fft=n_fft,
            preemph=preemph,
            nfilt=features,
            lowfreq=lowfreq,
            highfreq=highfreq,
            log=log,
            log_zero_guard_type=log_zero_guard_type,
            log_zero_guard_value=log_zero_guard_value,
            dither=dither,
            pad_to=pad_to,
            frame_splicing=frame_splicing,
            exact_pad=exact_pad,
            pad_value=pad_value,
            mag_power=mag_power,
            use_grads=use_grads,
            rng=make_rng(rng),
            nb_augmentation_prob=nb_augmentation_prob,
            nb_max_freq=nb_max_freq,
            mel_norm=mel_norm,
        )

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {
            "input_signal": NeuralType(("B", "T"), AudioSignal(freq=self._sample_rate)),
            "length": NeuralType(("B",), LengthsType()),
        }

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {
            "processed_signal": NeuralType(("B", "D", "T"), MelSpectrogramType()),
            "processed_length": NeuralType(("B",), LengthsType()),
        }

    @property
    def filter_banks(self) -> torch.Tensor:
        """The mel filters, (1, features, n_fft // 2 + 1)."""
        return self.featurizer.filter_banks

    @typecheck()
    def forward(
        self, input_signal: torch.Tensor, length: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if input_signal.shape[0] != length.shape[0]:
            raise ValueError(
                f"input_signal holds {input_signal.shape[0]} utterances but length "
                f"{length.shape[0]}: give one length per utterance"
            )
        with torch.set_grad_enabled(self.use_grads and torch.is_grad_enabled()):
            features: tuple[torch.Tensor, torch.Tensor] = self.featurizer(
                input_signal.to(torch.float32), length
            )
            return features
