"""Classification heads over encoder states (NeMo's ``SequenceClassifier``,
``TokenClassifier`` and the joint ``SequenceTokenClassifier``), one MLP shape for all."""

from __future__ import annotations

import torch
from torch import nn

from nemo.core.classes import NeuralModule, typecheck
from nemo.core.neural_types import ChannelType, LogitsType, NeuralType

__all__ = [
    "MultiLayerPerceptron",
    "SequenceClassifier",
    "SequenceTokenClassifier",
    "TokenClassifier",
]

_ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}


class MultiLayerPerceptron(nn.Module):
    """``num_layers - 1`` hidden layers (width ``hidden_size``, activation), then the output."""

    def __init__(
        self,
        hidden_size: int,
        num_classes: int,
        num_layers: int = 2,
        activation: str = "relu",
        dropout: float = 0.0,
        use_transformer_init: bool = False,
    ) -> None:
        super().__init__()
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation {activation!r} is not one of {', '.join(_ACTIVATIONS)}")
        if num_layers < 1:
            raise ValueError(f"num_output_layers must be at least 1, got {num_layers}")
        layers: list[nn.Module] = [nn.Dropout(dropout)]
        for _ in range(num_layers - 1):
            layers += [
                nn.Linear(hidden_size, hidden_size),
                _ACTIVATIONS[activation](),
                nn.Dropout(dropout),
            ]
        layers.append(nn.Linear(hidden_size, num_classes))
        self.layers = nn.Sequential(*layers)
        if use_transformer_init:  # BERT's initialisation: N(0, 0.02) weights, zero biases
            for layer in self.layers:
                if isinstance(layer, nn.Linear):
                    nn.init.normal_(layer.weight, std=0.02)
                    nn.init.zeros_(layer.bias)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.layers(hidden)  # type: ignore[no-any-return]


class _HiddenStatesHead(NeuralModule):
    """A head reading an encoder's hidden states."""

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {"hidden_states": NeuralType(("B", "T", "D"), ChannelType())}


class _MLPHead(_HiddenStatesHead):
    """One MLP over the states; ``use_transformer_init=None`` takes the head's NeMo default."""

    default_transformer_init = False

    def __init__(
        self,
        hidden_size: int,
        num_classes: int,
        num_layers: int = 2,
        activation: str = "relu",
        dropout: float = 0.0,
        use_transformer_init: bool | None = None,
    ) -> None:
        super().__init__()
        if use_transformer_init is None:
            use_transformer_init = self.default_transformer_init
        self.mlp = MultiLayerPerceptron(
            hidden_size, num_classes, num_layers, activation, dropout, use_transformer_init
        )


class SequenceClassifier(_MLPHead):
    """Logits per sequence from the state of its first token ([CLS])."""

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"logits": NeuralType(("B", "D"), LogitsType())}

    @typecheck()
    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return self.mlp(hidden_states[:, 0])  # type: ignore[no-any-return]


class TokenClassifier(_MLPHead):
    """Logits per token (NeMo's head of token classification, BERT-initialised by default)."""

    default_transformer_init = True

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"logits": NeuralType(("B", "T", "D"), LogitsType())}

    @typecheck()
    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return self.mlp(hidden_states)  # type: ignore[no-any-return]


class SequenceTokenClassifier(_HiddenStatesHead):
    """Joint intent (from [CLS]) and slot (every token) logits."""

    def __init__(
        self,
        hidden_size: int,
        num_intents: int,
        num_slots: int,
        num_layers: int = 2,
        activation: str = "relu",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.intent_mlp = MultiLayerPerceptron(
            hidden_size, num_intents, num_layers, activation, dropout
        )
        self.slot_mlp = MultiLayerPerceptron(
            hidden_size, num_slots, num_layers, activation, dropout
        )

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {
            "intent_logits": NeuralType(("B", "D"), LogitsType()),
            "slot_logits": NeuralType(("B", "T", "D"), LogitsType()),
        }

    @typecheck()
    def forward(self, hidden_states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.intent_mlp(hidden_states[:, 0]), self.slot_mlp(hidden_states)
