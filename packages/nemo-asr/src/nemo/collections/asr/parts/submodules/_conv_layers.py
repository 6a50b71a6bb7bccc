"""The convolutions of a Jasper block: length-aware (masked) 1-D convolution and channel shuffle."""

from __future__ import annotations

import torch
from torch import nn

from nemo.collections.asr.parts.submodules import _depthwise_fft
from nemo.collections.asr.parts.utils._frames import valid_frames

__all__ = ["GroupShuffle", "MaskedConv1d", "get_asymmetric_padding", "get_same_padding"]

Padding = int | tuple[int, int]


def get_same_padding(kernel_size: int, stride: int, dilation: int) -> int:
    """Padding that keeps the frame count (for stride 1) of a centred kernel."""
    if stride > 1 and dilation > 1:
        raise ValueError(
            f"a Jasper convolution may have stride > 1 or dilation > 1, not both "
            f"(got stride={stride}, dilation={dilation}): set one of them to 1"
        )
    return (dilation * (kernel_size - 1)) // 2


def get_asymmetric_padding(
    kernel_size: int, stride: int, dilation: int, future_context: int
) -> Padding:
    """(left, right) padding that lets the kernel see only ``future_context`` future frames."""
    symmetric = get_same_padding(kernel_size, stride, dilation)
    if kernel_size <= future_context:
        return symmetric  # the whole kernel fits in the future context: nothing to restrict
    if dilation > 1:
        return (dilation * kernel_size - 1 - dilation * future_context, dilation * future_context)
    return (kernel_size - 1 - future_context, future_context)


class MaskedConv1d(nn.Module):
    """``Conv1d`` that zeroes the frames past each sequence's length before convolving.

    Padding frames would otherwise leak into valid outputs, so batched and single-item results
    would differ. ``heads`` shares one depthwise kernel set across channel groups. The wrapped
    convolution is ``self.conv`` (state-dict keys ``…conv.weight``), as in NeMo.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: Padding = 0,
        dilation: int = 1,
        groups: int = 1,
        heads: int = -1,
        bias: bool = False,
        use_mask: bool = True,
    ) -> None:
        super().__init__()
        if not (heads == -1 or groups == in_channels):
            raise ValueError(
                f"heads={heads} is only for depthwise convolutions (groups == in_channels); "
                f"got groups={groups}, in_channels={in_channels}"
            )
        self.real_out_channels = out_channels
        if heads != -1:
            in_channels = out_channels = groups = heads
        self._padding = padding
        self.pad_layer: nn.ConstantPad1d | None = None
        if isinstance(padding, tuple | list):
            left, right = padding
            self.pad_layer = nn.ConstantPad1d((int(left), int(right)), value=0.0)
            padding = 0
        self.conv = nn.Conv1d(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            groups=groups,
            bias=bias,
        )
        self.use_mask = use_mask
        self.heads = heads
        total_pad = (
            sum(self.pad_layer.padding)
            if self.pad_layer is not None
            else 2 * int(self.conv.padding[0])
        )
        self._total_padding = total_pad
        self.same_padding = self.conv.stride[0] == 1 and total_pad == self.conv.dilation[0] * (
            self.conv.kernel_size[0] - 1
        )
        self._depthwise = self.conv.groups == self.conv.in_channels == self.conv.out_channels

    def get_seq_len(self, lens: torch.Tensor) -> torch.Tensor:
        """Output lengths of this convolution for input lengths ``lens``."""
        if self.same_padding:
            return lens
        span = self.conv.dilation[0] * (self.conv.kernel_size[0] - 1)
        numerator = lens + self._total_padding - span - 1
        return torch.div(numerator, self.conv.stride[0], rounding_mode="trunc") + 1

    def forward(self, x: torch.Tensor, lens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.use_mask:
            x = x * valid_frames(lens, x.shape[2]).unsqueeze(1).to(x.dtype)
        lens = self.get_seq_len(lens)
        if self.pad_layer is not None:
            x = self.pad_layer(x)
        batch = x.shape[0]
        if self.heads != -1:
            x = x.reshape(-1, self.heads, x.shape[-1])
        out = self._convolve(x)
        if self.heads != -1:
            out = out.reshape(batch, self.real_out_channels, -1)
        return out, lens

    def _convolve(self, x: torch.Tensor) -> torch.Tensor:
        conv = self.conv
        taps = conv.dilation[0] * (conv.kernel_size[0] - 1) + 1
        if self._depthwise and _depthwise_fft.use_fft(x, taps):
            return _depthwise_fft.depthwise_conv1d(
                x, conv.weight, conv.bias, conv.stride[0], int(conv.padding[0]), conv.dilation[0]
            )
        out: torch.Tensor = conv(x)
        return out


class GroupShuffle(nn.Module):
    """Interleave the channels of grouped convolutions so the next group sees every group."""

    def __init__(self, groups: int, channels: int) -> None:
        super().__init__()
        if channels % groups:
            raise ValueError(f"channels ({channels}) must be divisible by groups ({groups})")
        self.groups = groups
        self.channels_per_group = channels // groups

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        time = x.shape[-1]
        x = x.view(-1, self.groups, self.channels_per_group, time).transpose(1, 2)
        return x.contiguous().view(-1, self.groups * self.channels_per_group, time)
