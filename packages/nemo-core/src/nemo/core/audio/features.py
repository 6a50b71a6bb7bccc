"""Log-mel filterbank features, numerically identical to NeMo 3.0's ``FilterbankFeatures``.

The order of operations is part of the numerics a trained checkpoint expects: dither (training
only), pre-emphasis, zero-padded centred STFT with a symmetric window, magnitude to ``mag_power``,
mel projection, log with a zero guard, frame splicing, per-utterance normalisation over the valid
frames, then masking and right-padding of the time axis.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from torch import nn

from nemo.core.audio._frames import valid_frames
from nemo.core.audio._random import make_rng
from nemo.core.audio.mel import mel_filterbank

__all__ = ["CONSTANT", "FilterbankFeatures", "normalize_batch", "splice_frames"]

CONSTANT = 1e-5  # keeps the std of a constant feature from dividing by zero

_WINDOWS: dict[str, Callable[..., torch.Tensor] | None] = {
    "hann": torch.hann_window,
    "hamming": torch.hamming_window,
    "blackman": torch.blackman_window,
    "bartlett": torch.bartlett_window,
    "none": None,
}

NormalizeType = str | Mapping[str, Sequence[float]] | None


def normalize_batch(
    x: torch.Tensor, seq_len: torch.Tensor, normalize_type: NormalizeType
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Normalise ``x`` (B, D, T) per utterance over its first ``seq_len`` frames.

    ``per_feature``: each mel bin gets its own mean and (unbiased) std; ``all_features``: one
    mean and std per utterance; a mapping with ``fixed_mean``/``fixed_std`` (one value per
    feature) applies given statistics. Returns ``(normalised, mean, std)``.
    """
    if isinstance(normalize_type, Mapping):
        if "fixed_mean" not in normalize_type or "fixed_std" not in normalize_type:
            raise ValueError(
                "a normalize mapping needs both 'fixed_mean' and 'fixed_std' (one value per "
                f"feature); got keys {sorted(normalize_type)}"
            )
        mean = torch.as_tensor(normalize_type["fixed_mean"], dtype=x.dtype, device=x.device)
        std = torch.as_tensor(normalize_type["fixed_std"], dtype=x.dtype, device=x.device)
        return (x - mean.view(1, -1, 1)) / std.view(1, -1, 1), mean, std
    if normalize_type not in ("per_feature", "all_features"):
        raise ValueError(
            f"unknown normalize={normalize_type!r}: use 'per_feature', 'all_features', "
            "a {'fixed_mean': [...], 'fixed_std': [...]} mapping, or None"
        )
    if bool(torch.any(seq_len == 1)):
        raise ValueError(
            "normalize_batch received an utterance of one frame, whose std is undefined: give "
            "the preprocessor at least two hops of audio per utterance, or set normalize=None"
        )
    valid = valid_frames(seq_len, x.shape[-1]).unsqueeze(1)  # (B, 1, T)
    if normalize_type == "per_feature":
        count = seq_len.to(x.dtype).unsqueeze(1)  # (B, 1)
        mean = torch.where(valid, x, 0.0).sum(dim=2) / count
        centred = torch.where(valid, x - mean.unsqueeze(2), 0.0)
        std = torch.sqrt(centred.pow(2).sum(dim=2) / (count - 1.0))
        std = std.masked_fill(std.isnan(), 0.0) + CONSTANT
        return (x - mean.unsqueeze(2)) / std.unsqueeze(2), mean, std
    means = []
    stds = []
    for i in range(x.shape[0]):
        frames = x[i, :, : int(seq_len[i])]
        means.append(frames.mean())
        stds.append(frames.std())
    mean = torch.stack(means)
    std = torch.stack(stds) + CONSTANT
    return (x - mean.view(-1, 1, 1)) / std.view(-1, 1, 1), mean, std


def splice_frames(x: torch.Tensor, frame_splicing: int) -> torch.Tensor:
    """Stack ``frame_splicing`` copies of the features along the feature axis.

    NeMo's splicing concatenates ``x[..., :n]`` with ``x[..., n:]`` for each offset ``n``, which
    rebuilds ``x`` unchanged: the result is ``x`` repeated. Kept as is, since models trained with
    ``frame_splicing > 1`` expect exactly that input.
    """
    return torch.cat([x] * frame_splicing, dim=1)


class FilterbankFeatures(nn.Module):
    """Batched log-mel spectrogram with NeMo's buffers (``window``, ``fb``) and defaults."""

    window: torch.Tensor | None
    fb: torch.Tensor

    def __init__(
        self,
        sample_rate: int = 16000,
        n_window_size: int = 320,
        n_window_stride: int = 160,
        window: str = "hann",
        normalize: NormalizeType = "per_feature",
        n_fft: int | None = None,
        preemph: float | None = 0.97,
        nfilt: int = 64,
        lowfreq: float = 0,
        highfreq: float | None = None,
        log: bool = True,
        log_zero_guard_type: str = "add",
        log_zero_guard_value: float | str = 2**-24,
        dither: float = CONSTANT,
        pad_to: int | str = 16,
        max_duration: float = 16.7,
        frame_splicing: int = 1,
        exact_pad: bool = False,
        pad_value: float = 0.0,
        mag_power: float = 2.0,
        use_grads: bool = False,
        rng: random.Random | None = None,
        nb_augmentation_prob: float = 0.0,
        nb_max_freq: int = 4000,
        mel_norm: str | None = "slaney",
    ) -> None:
        super().__init__()
        _check_arguments(
            n_window_size=n_window_size,
            n_window_stride=n_window_stride,
            exact_pad=exact_pad,
            window=window,
            log_zero_guard_type=log_zero_guard_type,
            log_zero_guard_value=log_zero_guard_value,
            pad_to=pad_to,
            frame_splicing=frame_splicing,
            normalize=normalize,
        )

        self.sample_rate = sample_rate
        self.win_length = n_window_size
        self.hop_length = n_window_stride
        self.n_fft = n_fft or 2 ** math.ceil(math.log2(n_window_size))
        self.exact_pad = exact_pad
        self.stft_pad_amount: int | None = (
            (self.n_fft - self.hop_length) // 2 if exact_pad else None
        )
        self.normalize = normalize
        self.preemph = preemph
        self.nfilt = nfilt
        self.log = log
        self.log_zero_guard_type = log_zero_guard_type
        self.log_zero_guard_value = log_zero_guard_value
        self.dither = dither
        self.pad_to = pad_to
        self.frame_splicing = frame_splicing
        self.pad_value = pad_value
        self.mag_power = mag_power
        self.use_grads = use_grads
        self.nb_augmentation_prob = nb_augmentation_prob
        self._nb_max_fft_bin = int((nb_max_freq / sample_rate) * self.n_fft)
        self._rng = make_rng(rng)

        window_fn = _WINDOWS[window]
        window_tensor = window_fn(self.win_length, periodic=False) if window_fn else None
        self.register_buffer("window", window_tensor)
        filters = mel_filterbank(
            sample_rate, self.n_fft, nfilt, fmin=lowfreq, fmax=highfreq, norm=mel_norm
        )
        self.register_buffer("fb", torch.from_numpy(filters).unsqueeze(0))
        max_length = int(self.get_seq_len(torch.tensor(max_duration * sample_rate)))
        step = pad_to if isinstance(pad_to, int) and pad_to > 0 else 1
        self.max_length = max_length + (-max_length) % step

    @property
    def filter_banks(self) -> torch.Tensor:
        """The mel filters, (1, nfilt, n_fft // 2 + 1)."""
        return self.fb

    def log_zero_guard_value_fn(self, x: torch.Tensor) -> float:
        """The value that keeps ``log`` finite: a number, or ``x.dtype``'s tiny/eps."""
        if self.log_zero_guard_value == "tiny":
            return float(torch.finfo(x.dtype).tiny)
        if self.log_zero_guard_value == "eps":
            return float(torch.finfo(x.dtype).eps)
        return float(self.log_zero_guard_value)

    def get_seq_len(self, seq_len: torch.Tensor) -> torch.Tensor:
        """Number of feature frames for ``seq_len`` samples (NeMo 3.0: the partial last frame is
        not counted)."""
        pad = 2 * self.stft_pad_amount if self.stft_pad_amount is not None else self.n_fft // 2 * 2
        return torch.floor_divide(seq_len + pad - self.n_fft, self.hop_length).to(torch.long)

    def _stft(self, x: torch.Tensor) -> torch.Tensor:
        window = None if self.window is None else self.window.to(device=x.device, dtype=torch.float)
        return torch.stft(
            x,
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            win_length=self.win_length,
            center=not self.exact_pad,
            window=window,
            return_complex=True,
            pad_mode="constant",
        )

    def forward(
        self, x: torch.Tensor, seq_len: torch.Tensor, linear_spec: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Features (B, nfilt·frame_splicing, T') and their lengths from audio (B, T)."""
        if x.dim() != 2:
            raise ValueError(f"expected audio of shape (batch, time), got {tuple(x.shape)}")
        samples = seq_len
        frames = self.get_seq_len(seq_len)
        seq_len = torch.where(seq_len == 0, torch.zeros_like(frames), frames)

        if self.stft_pad_amount is not None:
            pad = (self.stft_pad_amount, self.stft_pad_amount)
            x = nn.functional.pad(x.unsqueeze(1), pad, "reflect").squeeze(1)
        if self.training and self.dither > 0:
            x = x + self.dither * torch.randn_like(x)
        if self.preemph is not None:
            inside = valid_frames(samples, x.shape[1])
            x = torch.cat((x[:, :1], x[:, 1:] - self.preemph * x[:, :-1]), dim=1)
            x = x.masked_fill(~inside, 0.0)

        with torch.autocast(x.device.type, enabled=False):
            spec = self._stft(x)
        guard = CONSTANT if self.use_grads else 0.0
        x = torch.sqrt(torch.view_as_real(spec).pow(2).sum(-1) + guard)
        if self.training and self.nb_augmentation_prob > 0.0:
            x = self._narrowband(x)
        if self.mag_power != 1.0:
            x = x.pow(self.mag_power)
        if linear_spec:
            return x, seq_len

        with torch.autocast(x.device.type, enabled=False):
            x = torch.matmul(self.fb.to(x.dtype), x)
        if self.log:
            guard_value = self.log_zero_guard_value_fn(x)
            if self.log_zero_guard_type == "add":
                x = torch.log(x + guard_value)
            else:
                x = torch.log(torch.clamp(x, min=guard_value))
        if self.frame_splicing > 1:
            x = splice_frames(x, self.frame_splicing)
        if self.normalize:
            x, _, _ = normalize_batch(x, seq_len, normalize_type=self.normalize)

        outside = ~valid_frames(seq_len, x.shape[-1])
        x = x.masked_fill(outside.unsqueeze(1), self.pad_value)
        if self.pad_to == "max":
            x = nn.functional.pad(x, (0, self.max_length - x.shape[-1]), value=self.pad_value)
        elif isinstance(self.pad_to, int) and self.pad_to > 0:
            extra = (-x.shape[-1]) % self.pad_to
            if extra:
                x = nn.functional.pad(x, (0, extra), value=self.pad_value)
        return x, seq_len

    def _narrowband(self, x: torch.Tensor) -> torch.Tensor:
        """Zero the bins above ``nb_max_freq`` for a random subset of the batch (training only)."""
        x = x.clone()
        for idx in range(x.shape[0]):
            if self._rng.random() < self.nb_augmentation_prob:
                x[idx, self._nb_max_fft_bin :, :] = 0.0
        return x


def _check_arguments(
    *,
    n_window_size: int,
    n_window_stride: int,
    exact_pad: bool,
    window: str,
    log_zero_guard_type: str,
    log_zero_guard_value: float | str,
    pad_to: int | str,
    frame_splicing: int,
    normalize: NormalizeType,
) -> None:
    """Refuse the arguments :class:`FilterbankFeatures` cannot compute with, before any work."""
    _check_positive_int("n_window_size", n_window_size)
    _check_positive_int("n_window_stride", n_window_stride)
    if exact_pad and n_window_stride % 2 == 1:
        raise NotImplementedError(
            f"exact_pad needs an even hop length, got n_window_stride={n_window_stride}: make "
            "the preprocessor's window_stride (or n_window_stride) even in samples, or set "
            "exact_pad: false"
        )
    if window not in _WINDOWS:
        raise ValueError(f"unknown window {window!r}; choose one of {', '.join(_WINDOWS)}")
    if log_zero_guard_type not in ("add", "clamp"):
        raise ValueError(
            f"log_zero_guard_type must be 'add' or 'clamp', got {log_zero_guard_type!r}"
        )
    if isinstance(log_zero_guard_value, str) and log_zero_guard_value not in ("tiny", "eps"):
        raise ValueError(
            f"log_zero_guard_value must be a number, 'tiny' or 'eps'; got {log_zero_guard_value!r}"
        )
    if not (pad_to == "max" or (isinstance(pad_to, int) and pad_to >= 0)):
        raise ValueError(f"pad_to must be an int >= 0 or 'max', got {pad_to!r}")
    if frame_splicing < 1:
        raise ValueError(f"frame_splicing must be >= 1, got {frame_splicing}")
    if normalize is not None:
        normalize_batch(torch.zeros(1, 1, 2), torch.tensor([2]), normalize)  # validates


def _check_positive_int(name: str, value: Any) -> None:
    if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
        raise ValueError(f"{name} must be a positive int (samples), got {value!r}")
