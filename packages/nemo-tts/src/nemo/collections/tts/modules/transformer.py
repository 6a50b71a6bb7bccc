"""FastPitch's feed-forward transformer (NeMo's ``FFTransformerEncoder``/``Decoder`` names).

Each block: multi-head self-attention then a two-layer 1-D convolution in place of the
position-wise MLP (neighbouring frames matter in speech), both residual with post-LayerNorm.
The encoder owns the symbol embedding; the decoder reads the length-regulated encoding.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["FFTransformerDecoder", "FFTransformerEncoder"]


def _positions(length: int, dim: int, device: torch.device) -> torch.Tensor:
    position = torch.arange(length, device=device, dtype=torch.float32)[:, None]
    inv = torch.exp(torch.arange(0, dim, 2, device=device).float() * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim, device=device)
    table[:, 0::2] = torch.sin(position * inv)
    table[:, 1::2] = torch.cos(position * inv)
    return table


class _FFTBlock(nn.Module):
    def __init__(
        self,
        d_model: int,
        n_head: int,
        d_inner: int,
        kernel_size: int,
        dropout: float,
        dropatt: float,
    ) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head, dropout=dropatt, batch_first=True)
        self.norm1 = nn.LayerNorm(d_model)
        self.conv = nn.Sequential(
            nn.Conv1d(d_model, d_inner, kernel_size, padding=kernel_size // 2),
            nn.ReLU(),
            nn.Conv1d(d_inner, d_model, kernel_size, padding=kernel_size // 2),
            nn.Dropout(dropout),
        )
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        keep = mask.unsqueeze(2).to(x.dtype)
        attended, _ = self.attn(x, x, x, key_padding_mask=~mask, need_weights=False)
        x = self.norm1(x + self.dropout(attended)) * keep
        x = self.norm2(x + self.conv(x.transpose(1, 2)).transpose(1, 2)) * keep
        return x


class _FFTransformer(nn.Module):
    def __init__(
        self,
        n_layer: int,
        n_head: int,
        d_model: int,
        d_head: int | None,
        d_inner: int,
        kernel_size: int,
        dropout: float,
        dropatt: float,
        dropemb: float,
    ) -> None:
        super().__init__()
        del d_head  # NeMo's key: the head size is d_model / n_head here
        self.d_model = d_model
        self.drop = nn.Dropout(dropemb)
        self.layers = nn.ModuleList(
            _FFTBlock(d_model, n_head, d_inner, kernel_size, dropout, dropatt)
            for _ in range(n_layer)
        )

    def _run(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.drop(x + _positions(x.shape[1], self.d_model, x.device)) * mask.unsqueeze(2)
        for layer in self.layers:
            x = layer(x, mask)
        return x


class FFTransformerEncoder(_FFTransformer):
    """Token ids (B, T) → encodings (B, T, d_model) and the mask (B, T)."""

    def __init__(
        self,
        n_layer: int,
        n_head: int,
        d_model: int,
        d_head: int | None,
        d_inner: int,
        kernel_size: int,
        dropout: float,
        dropatt: float,
        dropemb: float = 0.0,
        n_embed: int | None = None,
        d_embed: int | None = None,
        padding_idx: int = 0,
    ) -> None:
        super().__init__(
            n_layer, n_head, d_model, d_head, d_inner, kernel_size, dropout, dropatt, dropemb
        )
        if n_embed is None:
            raise ValueError("FFTransformerEncoder needs n_embed (the tokenizer's vocab_size)")
        self.padding_idx = padding_idx
        self.word_emb = nn.Embedding(n_embed, d_embed or d_model, padding_idx=padding_idx)

    def forward(self, input: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mask = input != self.padding_idx
        return self._run(self.word_emb(input), mask), mask


class FFTransformerDecoder(_FFTransformer):
    """Length-regulated encodings (B, T_mel, d_model) and lengths → decoded frames."""

    def forward(self, input: torch.Tensor, seq_lens: torch.Tensor) -> torch.Tensor:
        mask = torch.arange(input.shape[1], device=input.device)[None, :] < seq_lens[:, None]
        return self._run(input, mask)
