"""Convolutional ASR encoder (Jasper/QuartzNet/Citrinet blocks) and the CTC decoder head.

Module attribute names (``encoder``, ``decoder_layers``) are NeMo's, so NeMo checkpoints load by
key: ``encoder.encoder.<block>.mconv.<layer>...`` and ``decoder.decoder_layers.0.weight``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn

from nemo.collections.asr.parts.submodules._jasper_stack import build_jasper_stack, make_activation
from nemo.collections.asr.parts.submodules.jasper import init_weights
from nemo.core.classes import NeuralModule, typecheck
from nemo.core.neural_types import (
    AcousticEncodedRepresentation,
    LengthsType,
    LogprobsType,
    NeuralType,
    SpectrogramType,
)
from nemo.utils.model_utils import to_plain

__all__ = ["ConvASRDecoder", "ConvASREncoder"]


class ConvASREncoder(NeuralModule):
    """A stack of Jasper blocks, one per entry of ``jasper`` (NeMo's per-block keys).

    Spectrogram features (B, feat_in, T) → encoded frames (B, filters of the last block, T')
    with their lengths; T' shrinks by :attr:`subsampling_factor`.
    """

    def __init__(
        self,
        jasper: Sequence[Mapping[str, Any]],
        activation: str,
        feat_in: int,
        normalization_mode: str = "batch",
        residual_mode: str = "add",
        norm_groups: int = -1,
        conv_mask: bool = True,
        frame_splicing: int = 1,
        init_mode: str | None = "xavier_uniform",
        quantize: bool = False,
    ) -> None:
        super().__init__()
        if quantize:
            raise ValueError(
                "quantize=True needs NVIDIA's pytorch-quantization, which this implementation "
                "does not support; set encoder.quantize to false"
            )
        blocks = to_plain(jasper)
        act = make_activation(activation)
        if hasattr(act, "inplace"):
            act.inplace = True  # type: ignore[assignment]  # as NeMo: the activation always follows a fresh tensor
        self._feat_in = feat_in * frame_splicing
        self.encoder, self._feat_out = build_jasper_stack(
            blocks,
            act,
            self._feat_in,
            normalization_mode=normalization_mode,
            residual_mode=residual_mode,
            norm_groups=norm_groups,
            conv_mask=conv_mask,
        )
        self._subsampling_factor = math.prod(_block_stride(block) for block in blocks)
        self.apply(lambda module: init_weights(module, mode=init_mode))

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {
            "audio_signal": NeuralType(("B", "D", "T"), SpectrogramType()),
            "length": NeuralType(("B",), LengthsType()),
        }

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {
            "outputs": NeuralType(("B", "D", "T"), AcousticEncodedRepresentation()),
            "encoded_lengths": NeuralType(("B",), LengthsType()),
        }

    @property
    def subsampling_factor(self) -> int:
        """How many input frames make one output frame (the product of the blocks' strides)."""
        return self._subsampling_factor

    @typecheck()
    def forward(
        self, audio_signal: torch.Tensor, length: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        outputs, lengths = self.encoder(([audio_signal], length))
        return outputs[-1], lengths


def _block_stride(block: Mapping[str, Any]) -> int:
    """Time reduction of one block: every repeated convolution strides unless ``stride_last``."""
    stride = block.get("stride", [1])
    first = int(stride[0] if isinstance(stride, Sequence) else stride)
    repeats = 1 if block.get("stride_last", False) else int(block.get("repeat", 1))
    return int(first**repeats)


class ConvASRDecoder(NeuralModule):
    """CTC head: a 1x1 convolution to ``num_classes`` + 1 (the blank, last) and log-softmax.

    ``num_classes < 1`` takes the size of ``vocabulary``; a vocabulary of another size than
    ``num_classes`` is an error.
    """

    def __init__(
        self,
        feat_in: int,
        num_classes: int,
        init_mode: str | None = "xavier_uniform",
        vocabulary: Sequence[str] | None = None,
        add_blank: bool = True,
    ) -> None:
        super().__init__()
        vocab = None if vocabulary is None else list(to_plain(vocabulary))
        if num_classes < 1:
            if vocab is None:
                raise ValueError(
                    "ConvASRDecoder needs num_classes >= 1 or a vocabulary: set "
                    "decoder.num_classes or decoder.vocabulary in the config"
                )
            num_classes = len(vocab)
        if vocab is not None and len(vocab) != num_classes:
            raise ValueError(
                f"decoder.vocabulary has {len(vocab)} labels but decoder.num_classes is "
                f"{num_classes}: they must be equal (set num_classes: {len(vocab)})"
            )
        self.__vocabulary = vocab
        self._feat_in = feat_in
        self._num_classes = num_classes + 1 if add_blank else num_classes
        self.decoder_layers = nn.Sequential(
            nn.Conv1d(feat_in, self._num_classes, kernel_size=1, bias=True)
        )
        self.temperature = 1.0
        self.apply(lambda module: init_weights(module, mode=init_mode))

    @property
    def input_types(self) -> dict[str, NeuralType]:
        return {"encoder_output": NeuralType(("B", "D", "T"), AcousticEncodedRepresentation())}

    @property
    def output_types(self) -> dict[str, NeuralType]:
        return {"logprobs": NeuralType(("B", "T", "D"), LogprobsType())}

    @property
    def vocabulary(self) -> list[str] | None:
        """The labels, without the blank."""
        return self.__vocabulary

    @property
    def num_classes_with_blank(self) -> int:
        return self._num_classes

    @typecheck()
    def forward(self, encoder_output: torch.Tensor) -> torch.Tensor:
        logits = self.decoder_layers(encoder_output).transpose(1, 2)
        if self.temperature != 1.0:
            logits = logits / self.temperature
        return nn.functional.log_softmax(logits, dim=-1)
