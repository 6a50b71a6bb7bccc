"""The parts of NeMo's transformer: embeddings, multi-head attention, the feed-forward layer.

Parameter names are NeMo's (``token_embedding``, ``query_net``, ``out_projection``,
``dense_in``…), so state dicts read like NeMo's. Attention runs through
``scaled_dot_product_attention``; keys and values are computed by :meth:`MultiHeadAttention.
project` so that a decoder can keep them between generation steps instead of recomputing them.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from nemo.collections.nlp.modules.common._activations import ACTIVATIONS

__all__ = [
    "FixedPositionalEncoding",
    "MultiHeadAttention",
    "PositionWiseFF",
    "TransformerEmbedding",
]


class FixedPositionalEncoding(nn.Module):
    """The sinusoidal position table of "Attention Is All You Need" (not a parameter)."""

    pos_enc: torch.Tensor

    def __init__(self, hidden_size: int, max_sequence_length: int = 512) -> None:
        super().__init__()
        position = torch.arange(max_sequence_length, dtype=torch.float32)[:, None]
        scale = torch.exp(
            torch.arange(0, hidden_size, 2, dtype=torch.float32)
            * (-math.log(10000.0) / hidden_size)
        )
        table = torch.zeros(max_sequence_length, hidden_size)
        table[:, 0::2] = torch.sin(position * scale)
        table[:, 1::2] = torch.cos(position * scale[: hidden_size // 2])
        self.register_buffer("pos_enc", table / math.sqrt(hidden_size), persistent=False)

    def forward(self, position_ids: torch.Tensor) -> torch.Tensor:
        return nn.functional.embedding(position_ids, self.pos_enc)


class TransformerEmbedding(nn.Module):
    """Token + position (+ token type) embeddings, then layer norm and dropout (NeMo's)."""

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        max_sequence_length: int = 512,
        num_token_types: int = 2,
        embedding_dropout: float = 0.0,
        learn_positional_encodings: bool = False,
        padding_idx: int = 0,
    ) -> None:
        super().__init__()
        self.max_sequence_length = max_sequence_length
        self.token_embedding = nn.Embedding(vocab_size, hidden_size, padding_idx=padding_idx)
        self.position_embedding: nn.Module = (
            nn.Embedding(max_sequence_length, hidden_size)
            if learn_positional_encodings
            else FixedPositionalEncoding(hidden_size, max_sequence_length)
        )
        self.token_type_embedding = (
            nn.Embedding(num_token_types, hidden_size) if num_token_types > 0 else None
        )
        self.layer_norm = nn.LayerNorm(hidden_size, eps=1e-5)
        self.dropout = nn.Dropout(embedding_dropout)

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        start_pos: int = 0,
    ) -> torch.Tensor:
        length = input_ids.shape[1]
        if start_pos + length > self.max_sequence_length:
            raise ValueError(
                f"a sequence of {start_pos + length} tokens is longer than the model's "
                f"max_sequence_length ({self.max_sequence_length}): truncate the input or "
                "lower the generation length"
            )
        positions = torch.arange(start_pos, start_pos + length, device=input_ids.device)
        embeddings = self.token_embedding(input_ids) + self.position_embedding(positions)[None]
        if token_type_ids is not None and self.token_type_embedding is not None:
            embeddings = embeddings + self.token_type_embedding(token_type_ids)
        return self.dropout(self.layer_norm(embeddings))  # type: ignore[no-any-return]


class MultiHeadAttention(nn.Module):
    """Scaled dot-product attention over ``num_attention_heads`` heads."""

    def __init__(
        self,
        hidden_size: int,
        num_attention_heads: int,
        attn_score_dropout: float = 0.0,
        attn_layer_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if hidden_size % num_attention_heads:
            raise ValueError(
                f"hidden_size {hidden_size} is not a multiple of num_attention_heads "
                f"{num_attention_heads}"
            )
        self.num_heads = num_attention_heads
        self.query_net = nn.Linear(hidden_size, hidden_size)
        self.key_net = nn.Linear(hidden_size, hidden_size)
        self.value_net = nn.Linear(hidden_size, hidden_size)
        self.out_projection = nn.Linear(hidden_size, hidden_size)
        self.attn_score_dropout = attn_score_dropout
        self.layer_dropout = nn.Dropout(attn_layer_dropout)

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape
        return x.view(batch, length, self.num_heads, hidden // self.num_heads).transpose(1, 2)

    def project(self, states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Keys and values ``[B, heads, T, head_size]`` of ``states``."""
        return self._heads(self.key_net(states)), self._heads(self.value_net(states))

    def attend(
        self,
        queries: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor,
        mask: torch.Tensor | None = None,
        is_causal: bool = False,
    ) -> torch.Tensor:
        """``queries`` are hidden states ``[B, Tq, H]``; ``keys``/``values`` come from
        :meth:`project`; ``mask`` is boolean, True where a query may attend."""
        q = self._heads(self.query_net(queries))
        dropout = self.attn_score_dropout if self.training else 0.0
        context = F.scaled_dot_product_attention(
            q, keys, values, attn_mask=mask, dropout_p=dropout, is_causal=is_causal
        )
        batch, _, length, _ = context.shape
        merged = context.transpose(1, 2).reshape(batch, length, -1)
        return self.layer_dropout(self.out_projection(merged))  # type: ignore[no-any-return]

    def forward(
        self,
        queries: torch.Tensor,
        memory: torch.Tensor,
        mask: torch.Tensor | None = None,
        is_causal: bool = False,
    ) -> torch.Tensor:
        keys, values = self.project(memory)
        return self.attend(queries, keys, values, mask, is_causal)


class PositionWiseFF(nn.Module):
    """``dense_out(dropout(act(dense_in(x))))``."""

    def __init__(
        self, hidden_size: int, inner_size: int, ffn_dropout: float = 0.0, hidden_act: str = "relu"
    ) -> None:
        super().__init__()
        if hidden_act not in ACTIVATIONS:
            raise ValueError(
                f"hidden_act {hidden_act!r} is not one of {', '.join(sorted(ACTIVATIONS))}"
            )
        self.dense_in = nn.Linear(hidden_size, inner_size)
        self.dense_out = nn.Linear(inner_size, hidden_size)
        self.layer_dropout = nn.Dropout(ffn_dropout)
        self.act_fn = ACTIVATIONS[hidden_act]

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.layer_dropout(self.dense_out(self.act_fn(self.dense_in(hidden))))  # type: ignore[no-any-return]
