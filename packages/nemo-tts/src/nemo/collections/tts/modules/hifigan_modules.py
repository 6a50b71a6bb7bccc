"""HiFi-GAN's generator and discriminators (NeMo's ``hifigan_modules`` names and arguments).

The generator upsamples a mel spectrogram by transposed convolutions (their product of rates is
the hop length) with multi-receptive-field residual blocks; the multi-period discriminator looks
at the waveform folded by prime periods, the multi-scale one at the waveform at 3 resolutions.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm, weight_norm

__all__ = ["Generator", "MultiPeriodDiscriminator", "MultiScaleDiscriminator"]

LRELU_SLOPE = 0.1


def _padding(kernel_size: int, dilation: int = 1) -> int:
    return (kernel_size * dilation - dilation) // 2


def _dilated_convs(channels: int, kernel_size: int, dilations: Sequence[int]) -> nn.ModuleList:
    """One weight-normalised, length-preserving convolution per dilation."""
    return nn.ModuleList(
        weight_norm(
            nn.Conv1d(
                channels, channels, kernel_size, 1, dilation=d, padding=_padding(kernel_size, d)
            )
        )
        for d in dilations
    )


class _ResBlock1(nn.Module):
    def __init__(self, channels: int, kernel_size: int, dilation: Sequence[int]) -> None:
        super().__init__()
        self.convs1 = _dilated_convs(channels, kernel_size, dilation)
        self.convs2 = _dilated_convs(channels, kernel_size, [1] * len(dilation))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for first, second in zip(self.convs1, self.convs2, strict=True):
            x = x + second(
                nn.functional.leaky_relu(
                    first(nn.functional.leaky_relu(x, LRELU_SLOPE)), LRELU_SLOPE
                )
            )
        return x


class _ResBlock2(nn.Module):
    def __init__(self, channels: int, kernel_size: int, dilation: Sequence[int]) -> None:
        super().__init__()
        self.convs = _dilated_convs(channels, kernel_size, dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs:
            x = x + conv(nn.functional.leaky_relu(x, LRELU_SLOPE))
        return x


class Generator(nn.Module):
    """Mel (B, n_mel, T) → audio (B, 1, T · prod(upsample_rates))."""

    def __init__(
        self,
        resblock: int | str,
        upsample_rates: Sequence[int],
        upsample_kernel_sizes: Sequence[int],
        upsample_initial_channel: int,
        resblock_kernel_sizes: Sequence[int],
        resblock_dilation_sizes: Sequence[Sequence[int]],
        initial_input_size: int = 80,
    ) -> None:
        super().__init__()
        if str(resblock) not in ("1", "2"):
            raise ValueError(f"resblock must be 1 or 2 (HiFi-GAN V1/V3 blocks), got {resblock!r}")
        block = _ResBlock1 if str(resblock) == "1" else _ResBlock2
        self.num_kernels = len(resblock_kernel_sizes)
        self.conv_pre = weight_norm(
            nn.Conv1d(initial_input_size, upsample_initial_channel, 7, 1, padding=3)
        )
        self.ups = nn.ModuleList()
        self.resblocks = nn.ModuleList()
        channels = upsample_initial_channel
        for rate, kernel in zip(upsample_rates, upsample_kernel_sizes, strict=True):
            self.ups.append(
                weight_norm(
                    nn.ConvTranspose1d(
                        channels, channels // 2, kernel, rate, padding=(kernel - rate) // 2
                    )
                )
            )
            channels //= 2
            for size, dilation in zip(resblock_kernel_sizes, resblock_dilation_sizes, strict=True):
                self.resblocks.append(block(channels, size, dilation))
        self.conv_post = weight_norm(nn.Conv1d(channels, 1, 7, 1, padding=3))
        self.hop_length = 1
        for rate in upsample_rates:
            self.hop_length *= rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv_pre(x)
        for index, up in enumerate(self.ups):
            x = up(nn.functional.leaky_relu(x, LRELU_SLOPE))
            blocks = self.resblocks[index * self.num_kernels : (index + 1) * self.num_kernels]
            x = sum(block(x) for block in blocks) / self.num_kernels
        return torch.tanh(self.conv_post(nn.functional.leaky_relu(x)))


def _width(channels: int, max_channels: int) -> int:
    """A layer's width scaled so that the widest is ``max_channels`` (1024: NeMo's sizes)."""
    return max(1, channels * max_channels // 1024)


class _PeriodDiscriminator(nn.Module):
    def __init__(self, period: int, max_channels: int = 1024) -> None:
        super().__init__()
        self.period = period
        top = _width(1024, max_channels)
        widths = (
            1,
            max(_width(32, max_channels), 4),
            _width(128, max_channels),
            _width(512, max_channels),
            top,
        )
        self.convs = nn.ModuleList(
            weight_norm(nn.Conv2d(widths[i], widths[i + 1], (5, 1), (3, 1), padding=(2, 0)))
            for i in range(len(widths) - 1)
        )
        self.convs.append(weight_norm(nn.Conv2d(top, top, (5, 1), 1, padding=(2, 0))))
        self.conv_post = weight_norm(nn.Conv2d(top, 1, (3, 1), 1, padding=(1, 0)))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        batch, channels, length = x.shape
        if length % self.period:
            x = nn.functional.pad(x, (0, self.period - length % self.period), "reflect")
        x = x.view(batch, channels, -1, self.period)
        features = []
        for conv in self.convs:
            x = nn.functional.leaky_relu(conv(x), LRELU_SLOPE)
            features.append(x)
        x = self.conv_post(x)
        features.append(x)
        return x.flatten(1), features


class _ScaleDiscriminator(nn.Module):
    def __init__(self, use_spectral_norm: bool = False, max_channels: int = 1024) -> None:
        super().__init__()
        norm = spectral_norm if use_spectral_norm else weight_norm
        specs = (
            (1, 128, 15, 1, 1),
            (128, 128, 41, 2, 4),
            (128, 256, 41, 2, 16),
            (256, 512, 41, 4, 16),
            (512, 1024, 41, 4, 16),
            (1024, 1024, 41, 1, 16),
            (1024, 1024, 5, 1, 1),
        )
        self.convs = nn.ModuleList()
        for i, o, k, s, g in specs:
            inputs, outputs = (1 if i == 1 else _width(i, max_channels)), _width(o, max_channels)
            groups = max(1, min(g, inputs // 4 or 1))
            while inputs % groups or outputs % groups:
                groups -= 1
            self.convs.append(norm(nn.Conv1d(inputs, outputs, k, s, groups=groups, padding=k // 2)))
        self.conv_post = norm(nn.Conv1d(_width(1024, max_channels), 1, 3, 1, padding=1))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        features = []
        for conv in self.convs:
            x = nn.functional.leaky_relu(conv(x), LRELU_SLOPE)
            features.append(x)
        x = self.conv_post(x)
        features.append(x)
        return x.flatten(1), features


Scores = tuple[
    list[torch.Tensor], list[torch.Tensor], list[list[torch.Tensor]], list[list[torch.Tensor]]
]


class MultiPeriodDiscriminator(nn.Module):
    def __init__(self, periods: Sequence[int] = (2, 3, 5, 7, 11), max_channels: int = 1024):
        super().__init__()
        self.discriminators = nn.ModuleList(_PeriodDiscriminator(p, max_channels) for p in periods)

    def forward(self, y: torch.Tensor, y_hat: torch.Tensor) -> Scores:
        return _score(
            self.discriminators, [y] * len(self.discriminators), [y_hat] * len(self.discriminators)
        )


class MultiScaleDiscriminator(nn.Module):
    def __init__(self, max_channels: int = 1024) -> None:
        super().__init__()
        self.discriminators = nn.ModuleList(
            [
                _ScaleDiscriminator(True, max_channels),
                _ScaleDiscriminator(False, max_channels),
                _ScaleDiscriminator(False, max_channels),
            ]
        )
        self.pool = nn.AvgPool1d(4, 2, padding=2)

    def forward(self, y: torch.Tensor, y_hat: torch.Tensor) -> Scores:
        reals, fakes = [y], [y_hat]
        for _ in range(len(self.discriminators) - 1):
            reals.append(self.pool(reals[-1]))
            fakes.append(self.pool(fakes[-1]))
        return _score(self.discriminators, reals, fakes)


def _score(
    discriminators: nn.ModuleList, reals: list[torch.Tensor], fakes: list[torch.Tensor]
) -> Scores:
    real_scores, fake_scores, real_features, fake_features = [], [], [], []
    for discriminator, real, fake in zip(discriminators, reals, fakes, strict=True):
        score, features = discriminator(real)
        real_scores.append(score)
        real_features.append(features)
        score, features = discriminator(fake)
        fake_scores.append(score)
        fake_features.append(features)
    return real_scores, fake_scores, real_features, fake_features
