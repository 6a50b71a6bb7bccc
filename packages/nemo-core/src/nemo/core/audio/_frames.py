"""The valid frames of a padded batch: one mask for every length-aware module."""

from __future__ import annotations

import torch

__all__ = ["valid_frames"]


def valid_frames(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
    """(B, max_len) boolean mask, True for the first ``lengths[b]`` frames of each row."""
    return torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]
