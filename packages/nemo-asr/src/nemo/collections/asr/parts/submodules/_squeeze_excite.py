"""Squeeze-and-excitation over time for Jasper/QuartzNet/Citrinet blocks."""

from __future__ import annotations

import torch
from torch import nn

from nemo.collections.asr.parts.utils._frames import valid_frames

__all__ = ["SqueezeExcite"]


class SqueezeExcite(nn.Module):
    """Gate every channel by a sigmoid of an MLP over its masked time average.

    ``context_window >= 0`` averages a window of that many frames, as NeMo does: a random one
    while training, the first one at inference (a streaming-friendly choice of NeMo's that a
    trained checkpoint expects, so it is kept). Padding frames are zeroed and excluded from the
    mean, so the gate of an utterance does not depend on the batch it is in.
    """

    def __init__(
        self,
        channels: int,
        reduction_ratio: int,
        context_window: int = -1,
        interpolation_mode: str = "nearest",
        activation: nn.Module | None = None,
    ) -> None:
        super().__init__()
        if reduction_ratio <= 0 or channels // reduction_ratio == 0:
            raise ValueError(
                f"se_reduction_ratio must be in [1, channels={channels}], got {reduction_ratio}"
            )
        self.interpolation_mode = interpolation_mode
        self.context_window = context_window
        hidden = channels // reduction_ratio
        self.fc = nn.Sequential(
            nn.Linear(channels, hidden, bias=False),
            activation if activation is not None else nn.ReLU(inplace=True),
            nn.Linear(hidden, channels, bias=False),
        )

    def change_context_window(self, context_window: int) -> None:
        """Use ``context_window`` frames for the average from now on (-1: whole utterance)."""
        self.context_window = context_window

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        dtype = x.dtype
        with torch.autocast(x.device.type, enabled=False):
            valid = valid_frames(lengths, x.shape[-1]).unsqueeze(1)  # (B, 1, T)
            x = x.float().masked_fill(~valid, 0.0)
            pooled = self._pool(x, valid)  # (B, C, 1)
            gate = self.fc(pooled.transpose(1, -1)).transpose(1, -1)
            out = x * torch.sigmoid(gate)
        return out.to(dtype), lengths

    def _pool(self, x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        timesteps = x.shape[-1]
        if self.context_window < 0 or timesteps <= self.context_window:
            return x.sum(dim=-1, keepdim=True) / valid.sum(dim=-1, keepdim=True).to(x.dtype)
        start = int(torch.randint(0, timesteps - self.context_window, (1,))) if self.training else 0
        stop = start + self.context_window
        count = valid[:, :, start:stop].sum(dim=-1, keepdim=True).to(x.dtype)
        return x[:, :, start:stop].sum(dim=-1, keepdim=True) / (count + 1e-8)
