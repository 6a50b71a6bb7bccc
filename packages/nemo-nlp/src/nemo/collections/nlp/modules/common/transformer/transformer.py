"""NeMo's transformer encoder and decoder (``TransformerEncoderNM``, ``TransformerDecoderNM``).

Post-LN (the original, ``pre_ln=False``) or pre-LN layers (with a final layer norm when
``pre_ln_final_layer_norm``). The decoder generates step by step with a :class:`DecoderCache`:
the cross-attention keys and values of the encoder's states are computed once, each layer's
self-attention keys and values grow by one position per step, so a step costs one token's
work instead of the whole prefix's.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field

import torch
from torch import nn

from nemo.collections.nlp.modules.common.transformer.transformer_modules import (
    MultiHeadAttention,
    PositionWiseFF,
    TransformerEmbedding,
)
from nemo.core.classes import NeuralModule, typecheck
from nemo.core.neural_types import ChannelType, MaskType, NeuralType

__all__ = [
    "DecoderCache",
    "TransformerDecoder",
    "TransformerDecoderBlock",
    "TransformerDecoderNM",
    "TransformerEncoder",
    "TransformerEncoderBlock",
    "TransformerEncoderNM",
]

KeyValues = tuple[torch.Tensor, torch.Tensor]


def _residual(
    pre_ln: bool, norm: nn.LayerNorm, x: torch.Tensor, sublayer: object, *args: object
) -> torch.Tensor:
    """One residual sub-layer, pre- or post-LN."""
    if pre_ln:
        return x + sublayer(norm(x), *args)  # type: ignore[operator,no-any-return]
    return norm(x + sublayer(x, *args))  # type: ignore[operator,no-any-return]


class TransformerEncoderBlock(nn.Module):
    def __init__(
        self,
        hidden_size: int,
        inner_size: int,
        num_attention_heads: int = 1,
        attn_score_dropout: float = 0.0,
        attn_layer_dropout: float = 0.0,
        ffn_dropout: float = 0.0,
        hidden_act: str = "relu",
        pre_ln: bool = False,
    ) -> None:
        super().__init__()
        self.pre_ln = pre_ln
        self.layer_norm_1 = nn.LayerNorm(hidden_size, eps=1e-5)
        self.first_sub_layer = MultiHeadAttention(
            hidden_size, num_attention_heads, attn_score_dropout, attn_layer_dropout
        )
        self.layer_norm_2 = nn.LayerNorm(hidden_size, eps=1e-5)
        self.second_sub_layer = PositionWiseFF(hidden_size, inner_size, ffn_dropout, hidden_act)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        def attend(x: torch.Tensor) -> torch.Tensor:
            return self.first_sub_layer(x, x, mask)  # type: ignore[no-any-return]

        hidden = _residual(self.pre_ln, self.layer_norm_1, hidden, attend)
        return _residual(self.pre_ln, self.layer_norm_2, hidden, self.second_sub_layer)


class TransformerDecoderBlock(nn.Module):
    def __init__(
        self,
        hidden_size: int,
        inner_size: int,
        num_attention_heads: int = 1,
        attn_score_dropout: float = 0.0,
        attn_layer_dropout: float = 0.0,
        ffn_dropout: float = 0.0,
        hidden_act: str = "relu",
        pre_ln: bool = False,
    ) -> None:
        super().__init__()
        self.pre_ln = pre_ln
        heads = (hidden_size, num_attention_heads, attn_score_dropout, attn_layer_dropout)
        self.layer_norm_1 = nn.LayerNorm(hidden_size, eps=1e-5)
        self.first_sub_layer = MultiHeadAttention(*heads)
        self.layer_norm_2 = nn.LayerNorm(hidden_size, eps=1e-5)
        self.second_sub_layer = MultiHeadAttention(*heads)
        self.layer_norm_3 = nn.LayerNorm(hidden_size, eps=1e-5)
        self.third_sub_layer = PositionWiseFF(hidden_size, inner_size, ffn_dropout, hidden_act)

    def forward(
        self,
        hidden: torch.Tensor,
        cross: KeyValues,
        cross_mask: torch.Tensor | None,
        past: KeyValues | None = None,
    ) -> tuple[torch.Tensor, KeyValues]:
        """``past`` holds the self-attention keys/values of earlier positions (generation);
        without it the block attends causally over ``hidden``. Returns the states and the
        keys/values so far."""
        state: dict[str, KeyValues] = {}

        def self_attend(x: torch.Tensor) -> torch.Tensor:
            keys, values = self.first_sub_layer.project(x)
            if past is not None:
                keys, values = torch.cat([past[0], keys], 2), torch.cat([past[1], values], 2)
            state["kv"] = (keys, values)
            causal = past is None and x.shape[1] > 1
            return self.first_sub_layer.attend(x, keys, values, is_causal=causal)

        def cross_attend(x: torch.Tensor) -> torch.Tensor:
            return self.second_sub_layer.attend(x, cross[0], cross[1], cross_mask)

        hidden = _residual(self.pre_ln, self.layer_norm_1, hidden, self_attend)
        hidden = _residual(self.pre_ln, self.layer_norm_2, hidden, cross_attend)
        hidden = _residual(self.pre_ln, self.layer_norm_3, hidden, self.third_sub_layer)
        return hidden, state["kv"]


def _blocks(block: type[nn.Module], num_layers: int, **kwargs: object) -> nn.ModuleList:
    return nn.ModuleList(block(**kwargs) for _ in range(num_layers))


class TransformerEncoder(nn.Module):
    def __init__(self, num_layers: int, pre_ln_final_layer_norm: bool, **block: object) -> None:
        super().__init__()
        self.layers = _blocks(TransformerEncoderBlock, num_layers, **block)
        final = bool(block.get("pre_ln")) and pre_ln_final_layer_norm
        self.final_layer_norm = nn.LayerNorm(int(block["hidden_size"]), eps=1e-5) if final else None  # type: ignore[call-overload]

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        for layer in self.layers:
            hidden = layer(hidden, mask)
        return self.final_layer_norm(hidden) if self.final_layer_norm is not None else hidden


@dataclass
class DecoderCache:
    """What generation keeps between steps, per layer; rows are hypotheses."""

    cross: list[KeyValues]
    cross_mask: torch.Tensor | None
    past: list[KeyValues] = field(default_factory=list)
    length: int = 0  # positions decoded so far

    def select(self, rows: torch.Tensor, *, same_sources: bool = True) -> None:
        """Keep (and reorder) the hypotheses ``rows``. In beam search a row only moves among
        the beams of its own source, whose cross-attention keys are the same: only the
        self-attention ones move then (``same_sources``)."""
        self.past = [(k.index_select(0, rows), v.index_select(0, rows)) for k, v in self.past]
        if not same_sources:
            self.cross = [(k.index_select(0, rows), v.index_select(0, rows)) for k, v in self.cross]
            if self.cross_mask is not None:
                self.cross_mask = self.cross_mask.index_select(0, rows)


class TransformerDecoder(nn.Module):
    def __init__(self, num_layers: int, pre_ln_final_layer_norm: bool, **block: object) -> None:
        super().__init__()
        self.layers = _blocks(TransformerDecoderBlock, num_layers, **block)
        final = bool(block.get("pre_ln")) and pre_ln_final_layer_norm
        self.final_layer_norm = nn.LayerNorm(int(block["hidden_size"]), eps=1e-5) if final else None  # type: ignore[call-overload]

    def _final(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.final_layer_norm(hidden) if self.final_layer_norm is not None else hidden

    def start_cache(self, memory: torch.Tensor, memory_mask: torch.Tensor | None) -> DecoderCache:
        blocks = typing.cast(list[TransformerDecoderBlock], list(self.layers))
        cross = [block.second_sub_layer.project(memory) for block in blocks]
        return DecoderCache(cross, _key_mask(memory_mask))

    def forward(
        self, hidden: torch.Tensor, memory: torch.Tensor, memory_mask: torch.Tensor | None
    ) -> torch.Tensor:
        cache = self.start_cache(memory, memory_mask)
        for layer, cross in zip(self.layers, cache.cross, strict=True):
            hidden, _ = layer(hidden, cross, cache.cross_mask)
        return self._final(hidden)

    def step(self, hidden: torch.Tensor, cache: DecoderCache) -> torch.Tensor:
        """Decode the next position(s) ``hidden`` after those in ``cache`` (updated)."""
        past: list[KeyValues] = []
        for i, layer in enumerate(self.layers):
            hidden, kv = layer(
                hidden, cache.cross[i], cache.cross_mask, cache.past[i] if cache.past else None
            )
            past.append(kv)
        cache.past = past
        cache.length += hidden.shape[1]
        return self._final(hidden)


def _key_mask(mask: torch.Tensor | None) -> torch.Tensor | None:
    """A ``[B, T]`` padding mask (1 = token) as attention's ``[B, 1, 1, T]`` boolean mask."""
    return None if mask is None else mask.bool()[:, None, None, :]


class _TransformerNM(NeuralModule):
    """What NeMo's encoder and decoder modules share: the shape, the embedding, the init."""

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        num_layers: int,
        inner_size: int,
        num_attention_heads: int,
        max_sequence_length: int = 512,
        num_token_types: int = 2,
        embedding_dropout: float = 0.0,
        learn_positional_encodings: bool = False,
        ffn_dropout: float = 0.0,
        attn_score_dropout: float = 0.0,
        attn_layer_dropout: float = 0.0,
        hidden_act: str = "relu",
        pre_ln: bool = False,
        pre_ln_final_layer_norm: bool = True,
        padding_idx: int = 0,
    ) -> None:
        super().__init__()
        self._vocab_size = vocab_size
        self._hidden_size = hidden_size
        self.max_sequence_length = max_sequence_length
        self._embedding = TransformerEmbedding(
            vocab_size,
            hidden_size,
            max_sequence_length,
            num_token_types,
            embedding_dropout,
            learn_positional_encodings,
            padding_idx,
        )
        self._block = {
            "num_layers": num_layers,
            "pre_ln_final_layer_norm": pre_ln_final_layer_norm,
            "hidden_size": hidden_size,
            "inner_size": inner_size,
            "num_attention_heads": num_attention_heads,
            "attn_score_dropout": attn_score_dropout,
            "attn_layer_dropout": attn_layer_dropout,
            "ffn_dropout": ffn_dropout,
            "hidden_act": hidden_act,
            "pre_ln": pre_ln,
        }

    def _init_weights(self) -> None:
        """NeMo's transformer initialisation: normal(0, 0.02), zero biases, padding row 0."""
        for module in self.modules():
            if isinstance(module, nn.Linear | nn.Embedding):
                nn.init.normal_(module.weight, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        pad = self._embedding.token_embedding.padding_idx
        if pad is not None:
            with torch.no_grad():
                self._embedding.token_embedding.weight[pad].zero_()

    @property
    def hidden_size(self) -> int:
        return self._hidden_size

    @property
    def vocab_size(self) -> int:
        return self._vocab_size

    @property
    def embedding(self) -> TransformerEmbedding:
        return self._embedding


class TransformerEncoderNM(_TransformerNM):
    """Source token ids ``[B, T]`` and their padding mask → states ``[B, T, hidden_size]``."""

    def __init__(self, *args: object, mask_future: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if mask_future:
            raise ValueError("encoder.mask_future=true (a causal encoder) is not supported")
        self._encoder = TransformerEncoder(**self._block)  # type: ignore[arg-type]
        self._init_weights()

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {
            "input_ids": NeuralType(("B", "T"), ChannelType()),
            "encoder_mask": NeuralType(("B", "T"), MaskType()),
        }

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"last_hidden_states": NeuralType(("B", "T", "D"), ChannelType())}

    @typecheck()
    def forward(self, input_ids: torch.Tensor, encoder_mask: torch.Tensor) -> torch.Tensor:
        hidden = self._embedding(input_ids)
        return self._encoder(hidden, _key_mask(encoder_mask))  # type: ignore[no-any-return]


class TransformerDecoderNM(_TransformerNM):
    """Target token ids (teacher-forced, causal) and the encoder's states → decoder states."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._decoder = TransformerDecoder(**self._block)  # type: ignore[arg-type]
        self._init_weights()

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {
            "input_ids": NeuralType(("B", "T"), ChannelType()),
            "decoder_mask": NeuralType(("B", "T"), MaskType(), optional=True),
            "encoder_embeddings": NeuralType(("B", "T", "D"), ChannelType()),
            "encoder_mask": NeuralType(("B", "T"), MaskType()),
        }

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"last_hidden_states": NeuralType(("B", "T", "D"), ChannelType())}

    @typecheck()
    def forward(
        self,
        input_ids: torch.Tensor,
        decoder_mask: torch.Tensor | None,
        encoder_embeddings: torch.Tensor,
        encoder_mask: torch.Tensor,
    ) -> torch.Tensor:
        # padded target positions come after every real one: the causal mask already hides
        # them from real positions, and their own outputs are never scored
        hidden = self._embedding(input_ids)
        return self._decoder(hidden, encoder_embeddings, encoder_mask)  # type: ignore[no-any-return]

    def start_cache(
        self, encoder_embeddings: torch.Tensor, encoder_mask: torch.Tensor
    ) -> DecoderCache:
        return self._decoder.start_cache(encoder_embeddings, encoder_mask)

    def step(self, input_ids: torch.Tensor, cache: DecoderCache) -> torch.Tensor:
        """States of the next positions ``input_ids`` ``[B, n]`` after those in ``cache``."""
        hidden = self._embedding(input_ids, start_pos=cache.length)
        return self._decoder.step(hidden, cache)
