"""A BERT encoder in plain torch: embeddings, post-LN transformer layers, a pooler.

The parameter names are those of Hugging Face's ``BertModel`` checkpoints
(``embeddings.word_embeddings.weight``, ``encoder.layer.0.attention.self.query.weight``, ...),
so a local ``model.safetensors``/``pytorch_model.bin`` loads as it is; the configuration is
its ``config.json``. Attention runs through ``scaled_dot_product_attention``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from nemo.collections.nlp.modules.common._activations import ACTIVATIONS
from nemo.core.classes import NeuralModule, typecheck
from nemo.core.neural_types import ChannelType, MaskType, NeuralType

__all__ = ["BertConfig", "BertEncoder", "LanguageModelEncoder"]


@dataclass
class BertConfig:
    """A BERT's shape, with the field names of Hugging Face's ``config.json``."""

    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu"
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    pad_token_id: int = 0
    initializer_range: float = 0.02

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], *, source: str = "the config") -> BertConfig:
        """Take the fields BERT has; other keys of a ``config.json`` are ignored, as
        Hugging Face ignores keys a model does not use. Wrong shapes are refused here."""
        names = {f.name for f in dataclasses.fields(cls)}
        config = cls(**{k: v for k, v in values.items() if k in names})
        config.check(source)
        return config

    def check(self, source: str) -> None:
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(
                f"{source}: hidden_size {self.hidden_size} is not a multiple of "
                f"num_attention_heads {self.num_attention_heads}"
            )
        if self.hidden_act not in ACTIVATIONS:
            raise ValueError(
                f"{source}: hidden_act {self.hidden_act!r} is not one of "
                + ", ".join(sorted(ACTIVATIONS))
            )
        for name in ("vocab_size", "hidden_size", "num_hidden_layers", "intermediate_size"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{source}: {name} must be positive, got {getattr(self, name)}")


class _Embeddings(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        hidden = config.hidden_size
        self.word_embeddings = nn.Embedding(config.vocab_size, hidden, config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, hidden)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        summed = (
            self.word_embeddings(input_ids)
            + self.position_embeddings(positions)[None]
            + self.token_type_embeddings(token_type_ids)
        )
        return self.dropout(self.LayerNorm(summed))  # type: ignore[no-any-return]


class _SelfAttention(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        hidden = config.hidden_size
        self.heads = config.num_attention_heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout_p = config.attention_probs_dropout_prob

    def forward(self, hidden: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        batch, time, width = hidden.shape

        def heads(projection: nn.Linear) -> torch.Tensor:
            return projection(hidden).view(batch, time, self.heads, -1).transpose(1, 2)  # type: ignore[no-any-return]

        context = F.scaled_dot_product_attention(
            heads(self.query), heads(self.key), heads(self.value),
            attn_mask=bias, dropout_p=self.dropout_p if self.training else 0.0,
        )  # fmt: skip
        return context.transpose(1, 2).reshape(batch, time, width)


class _Residual(nn.Module):
    """dense → dropout → LayerNorm(· + residual): BERT's post-LN step, twice per layer."""

    def __init__(self, width_in: int, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(width_in, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)  # type: ignore[no-any-return]


class _Attention(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.self = _SelfAttention(config)
        self.output = _Residual(config.hidden_size, config)

    def forward(self, hidden: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(hidden, bias), hidden)  # type: ignore[no-any-return]


class _Intermediate(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.activation = ACTIVATIONS[config.hidden_act]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.dense(x))


class _Layer(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.attention = _Attention(config)
        self.intermediate = _Intermediate(config)
        self.output = _Residual(config.intermediate_size, config)

    def forward(self, hidden: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        attended = self.attention(hidden, bias)
        return self.output(self.intermediate(attended), attended)  # type: ignore[no-any-return]


class _Stack(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(config) for _ in range(config.num_hidden_layers))


class _Pooler(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(hidden[:, 0]))


class LanguageModelEncoder(NeuralModule):
    """The neural types every encoder under an NLP head has: token ids (with an optional
    padding mask and segment ids) in, one hidden state per token out."""

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {
            "input_ids": NeuralType(("B", "T"), ChannelType()),
            "attention_mask": NeuralType(("B", "T"), MaskType(), optional=True),
            "token_type_ids": NeuralType(("B", "T"), ChannelType(), optional=True),
        }

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"hidden_states": NeuralType(("B", "T", "D"), ChannelType())}


class BertEncoder(LanguageModelEncoder):
    """Token ids → contextual hidden states ``[B, T, hidden_size]`` (NeMo's ``BertEncoder``).

    :meth:`pooled` gives the pooler's output for token 0, as BERT's next-sentence head uses it.
    """

    def __init__(self, config: BertConfig | Mapping[str, Any]) -> None:
        super().__init__()
        if not isinstance(config, BertConfig):
            config = BertConfig.from_dict(config)
        config.check("the BERT config")
        self.config = config
        self.embeddings = _Embeddings(config)
        self.encoder = _Stack(config)
        self.pooler = _Pooler(config)
        self.apply(self._init_weights)

    def _init_weights(self, module: nn.Module) -> None:
        """BERT's initialisation: normal(0, initializer_range) weights, zero biases."""
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, std=self.config.initializer_range)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)
        if isinstance(module, nn.Embedding) and module.padding_idx is not None:
            with torch.no_grad():
                module.weight[module.padding_idx].zero_()

    @property
    def hidden_size(self) -> int:
        return self.config.hidden_size

    @typecheck()
    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        if input_ids.shape[1] > self.config.max_position_embeddings:
            raise ValueError(
                f"a sequence of {input_ids.shape[1]} tokens is longer than this encoder's "
                f"max_position_embeddings ({self.config.max_position_embeddings}): truncate "
                "it (dataset.max_seq_length)"
            )
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        hidden = self.embeddings(input_ids, token_type_ids)
        bias = _attention_bias(attention_mask, hidden)
        for layer in self.encoder.layer:
            hidden = layer(hidden, bias)
        return hidden  # type: ignore[no-any-return]

    def pooled(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return self.pooler(hidden_states)  # type: ignore[no-any-return]


def _attention_bias(mask: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
    """``[B, 1, 1, T]`` additive bias: 0 where attended, the dtype's minimum where padded."""
    dtype = like.dtype
    if mask is None:
        return like.new_zeros((like.shape[0], 1, 1, like.shape[1]))
    keep = mask[:, None, None, :].to(dtype)
    return (1.0 - keep) * torch.finfo(dtype).min
