"""SpecAugment and SpecCutout: random masking of spectrograms while training.

Without ``rng`` the masks are drawn from the process-wide :mod:`random` generator, which
``seed_everything`` seeds and a resumed run restores; ``rng`` (a ``random.Random`` or an int seed)
gives a module its own. NeMo's bounds: a mask's start and width are each drawn uniformly,
inclusive of both ends.
"""

from __future__ import annotations

import random

import torch
from torch import nn

from nemo.collections.asr.parts.utils._random import make_rng

__all__ = ["SpecAugment", "SpecCutout", "make_rng"]


def _check_count(name: str, value: int) -> None:
    if not isinstance(value, int) or value < 0:
        raise ValueError(
            f"{name} must be an int >= 0, got {value!r} (spec_augment.{name} in a model config)"
        )


class SpecAugment(nn.Module):
    """Frequency and time masks (Park et al., 2019), filled with ``mask_value``.

    An int ``time_width`` is a width in frames; a float in [0, 1] is a fraction of each
    utterance's valid length (at least one frame). Time masks start inside the valid frames.
    """

    def __init__(
        self,
        freq_masks: int = 0,
        time_masks: int = 0,
        freq_width: int = 10,
        time_width: int | float = 0.1,
        rng: random.Random | int | None = None,
        mask_value: float = 0.0,
    ) -> None:
        super().__init__()
        _check_count("freq_masks", freq_masks)
        _check_count("time_masks", time_masks)
        _check_count("freq_width", freq_width)
        if isinstance(time_width, float):
            if not 0.0 <= time_width <= 1.0:
                raise ValueError(
                    f"a float time_width is a fraction of the utterance and must be in [0, 1], "
                    f"got {time_width}; give an int for a width in frames"
                )
        else:
            _check_count("time_width", time_width)
        self.freq_masks = freq_masks
        self.time_masks = time_masks
        self.freq_width = freq_width
        self.time_width = time_width
        self.adaptive_temporal_width = isinstance(time_width, float)
        self.mask_value = mask_value
        self._rng = make_rng(rng)

    @torch.no_grad()
    def forward(self, input_spec: torch.Tensor, length: torch.Tensor) -> torch.Tensor:
        batch, num_freq, _ = input_spec.shape
        if self.freq_masks and self.freq_width > num_freq:
            raise ValueError(
                f"freq_width={self.freq_width} exceeds the {num_freq} features of the input"
            )
        mask = torch.zeros(input_spec.shape, dtype=torch.bool)
        lengths = [int(n) for n in length.cpu()]
        for idx in range(batch):
            for _ in range(self.freq_masks):
                start = self._rng.randint(0, num_freq - self.freq_width)
                width = self._rng.randint(0, self.freq_width)
                mask[idx, start : start + width, :] = True
            if self.adaptive_temporal_width:
                max_width = max(1, int(lengths[idx] * self.time_width))
            else:
                max_width = int(self.time_width)
            start_bound = max(1, lengths[idx] - max_width)
            for _ in range(self.time_masks):
                start = self._rng.randint(0, start_bound)
                width = self._rng.randint(0, max_width)
                mask[idx, :, start : start + width] = True
        return input_spec.masked_fill(mask.to(input_spec.device), self.mask_value)


class SpecCutout(nn.Module):
    """Zero ``rect_masks`` random rectangles of up to ``rect_freq`` x ``rect_time`` per item."""

    def __init__(
        self,
        rect_masks: int = 0,
        rect_time: int = 5,
        rect_freq: int = 20,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__()
        _check_count("rect_masks", rect_masks)
        _check_count("rect_time", rect_time)
        _check_count("rect_freq", rect_freq)
        self.rect_masks = rect_masks
        self.rect_time = rect_time
        self.rect_freq = rect_freq
        self._rng = make_rng(rng)

    @torch.no_grad()
    def forward(self, input_spec: torch.Tensor) -> torch.Tensor:
        batch, num_freq, num_time = input_spec.shape
        if self.rect_freq > num_freq or self.rect_time > num_time:
            raise ValueError(
                f"cutout rectangles of {self.rect_freq}x{self.rect_time} do not fit a "
                f"{num_freq}x{num_time} spectrogram: lower rect_freq/rect_time"
            )
        out = input_spec.clone()
        for idx in range(batch):
            for _ in range(self.rect_masks):
                freq0 = self._rng.randint(0, num_freq - self.rect_freq)
                time0 = self._rng.randint(0, num_time - self.rect_time)
                width_f = self._rng.randint(0, self.rect_freq)
                width_t = self._rng.randint(0, self.rect_time)
                out[idx, freq0 : freq0 + width_f, time0 : time0 + width_t] = 0.0
        return out
