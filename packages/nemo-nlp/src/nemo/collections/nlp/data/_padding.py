"""Rows of token ids of different lengths as one padded batch, with its attention mask."""

from __future__ import annotations

from collections.abc import Sequence

import torch

__all__ = ["pad_rows"]


def pad_rows(rows: Sequence[Sequence[int]], value: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``[B, longest]`` long tensor filled with ``value`` after each row, and the 0/1 mask of
    the real positions."""
    width = max(len(row) for row in rows)
    out = torch.full((len(rows), width), value, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
    return out, mask
