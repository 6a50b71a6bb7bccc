"""Jasper/QuartzNet blocks: the layer stack behind ``ConvASREncoder``.

Layer order and indices inside ``mconv``/``res``/``mout`` are NeMo's, so NeMo checkpoints load
by key: e.g. ``encoder.0.mconv.0.conv.weight`` (depthwise), ``mconv.1`` (pointwise),
``mconv.2`` (batch norm), ``mconv.3``/``mconv.4`` (activation, dropout) between repeats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

from nemo.collections.asr.parts.submodules._conv_layers import (
    GroupShuffle,
    MaskedConv1d,
    Padding,
    get_asymmetric_padding,
    get_same_padding,
)
from nemo.collections.asr.parts.submodules._squeeze_excite import SqueezeExcite

__all__ = [
    "GroupShuffle",
    "JasperBlock",
    "MaskedConv1d",
    "SqueezeExcite",
    "compute_new_kernel_size",
    "get_asymmetric_padding",
    "get_same_padding",
    "init_weights",
    "jasper_activations",
]

# NeMo's table: "hardtanh" is torch's default Hardtanh, clipping to [-1, 1]. (Blocks built with
# no activation use Hardtanh(0, 20) instead, see ``JasperBlock._act_dropout``.) Kept as is, since
# a checkpoint trained with activation: hardtanh expects exactly that range.
jasper_activations: dict[str, Callable[[], nn.Module]] = {
    "hardtanh": nn.Hardtanh,
    "relu": nn.ReLU,
    "selu": nn.SELU,
    "swish": nn.SiLU,
    "silu": nn.SiLU,
    "gelu": nn.GELU,
}

_NORMALIZATIONS = ("batch", "layer", "group", "instance")
_RESIDUAL_MODES = ("add", "max", "stride_add")
_INIT_MODES = (
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "tds_uniform",
    "tds_normal",
)

Layers = list[nn.Module]


def _tds_bound(weight: torch.Tensor) -> float:
    fan_in = nn.init._calculate_correct_fan(weight, "fan_in")
    return 2.0 / math.sqrt(fan_in)


def init_weights(module: nn.Module, mode: str | None = "xavier_uniform") -> None:
    """NeMo's initialisation for ``model.apply``: convs/linears by ``mode``, BN to identity."""
    if mode is not None and mode not in _INIT_MODES:
        raise ValueError(f"unknown init_mode {mode!r}; choose one of {', '.join(_INIT_MODES)}")
    if isinstance(module, nn.Conv1d | nn.Linear):
        with torch.no_grad():
            if mode == "xavier_uniform":
                nn.init.xavier_uniform_(module.weight, gain=1.0)
            elif mode == "xavier_normal":
                nn.init.xavier_normal_(module.weight, gain=1.0)
            elif mode == "kaiming_uniform":
                nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
            elif mode == "kaiming_normal":
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            elif mode == "tds_uniform":
                bound = _tds_bound(module.weight)
                module.weight.uniform_(-bound, bound)
            elif mode == "tds_normal":
                module.weight.normal_(0.0, _tds_bound(module.weight))
    elif isinstance(module, nn.BatchNorm1d):
        if module.track_running_stats:
            module.reset_running_stats()
        if module.affine:
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)


def compute_new_kernel_size(kernel_size: int, kernel_width: float) -> int:
    """``kernel_size`` scaled by ``kernel_width``, at least 1 and rounded up to odd."""
    new_size = max(int(kernel_size * kernel_width), 1)
    return new_size + 1 if new_size % 2 == 0 else new_size


def _norm_layer(normalization: str, channels: int, norm_groups: int) -> nn.Module:
    if normalization == "batch":
        return nn.BatchNorm1d(channels, eps=1e-3, momentum=0.1)
    groups = {"group": norm_groups, "instance": channels, "layer": 1}.get(normalization)
    if groups is None:
        raise ValueError(
            f"normalization {normalization!r} is not one of {', '.join(_NORMALIZATIONS)}"
        )
    return nn.GroupNorm(num_groups=groups, num_channels=channels)


def _apply_layers(
    layers: nn.Module, x: torch.Tensor, lengths: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Run ``x`` through ``layers``; the length-aware ones also take and update ``lengths``."""
    for layer in layers.children():
        if isinstance(layer, MaskedConv1d | SqueezeExcite):
            x, lengths = layer(x, lengths)
        else:
            x = layer(x)
    return x, lengths


class JasperBlock(nn.Module):
    """``repeat`` x [conv, norm, activation, dropout] with an optional residual and SE.

    ``forward`` takes and returns ``(list_of_tensors, lengths)``: the list carries every earlier
    block output when dense residuals are on, and only the latest output otherwise.
    """

    mconv: nn.ModuleList

    def __init__(
        self,
        inplanes: int,
        planes: int,
        repeat: int = 3,
        kernel_size: Sequence[int] = (11,),
        kernel_size_factor: float = 1.0,
        stride: Sequence[int] = (1,),
        dilation: Sequence[int] = (1,),
        padding: str = "same",
        dropout: float = 0.2,
        activation: nn.Module | None = None,
        residual: bool = True,
        groups: int = 1,
        separable: bool = False,
        heads: int = -1,
        normalization: str = "batch",
        norm_groups: int = 1,
        residual_mode: str = "add",
        residual_panes: Sequence[int] = (),
        conv_mask: bool = False,
        se: bool = False,
        se_reduction_ratio: int = 16,
        se_context_window: int = -1,
        se_interpolation_mode: str = "nearest",
        stride_last: bool = False,
        future_context: int = -1,
    ) -> None:
        super().__init__()
        if padding != "same":
            raise ValueError(f"JasperBlock supports padding='same' only, got {padding!r}")
        if repeat < 1:
            raise ValueError(f"a Jasper block needs repeat >= 1, got {repeat}")
        if residual_mode not in _RESIDUAL_MODES:
            raise ValueError(
                f"residual_mode {residual_mode!r} is not one of {', '.join(_RESIDUAL_MODES)}"
            )
        kernel = [compute_new_kernel_size(k, kernel_size_factor) for k in kernel_size]
        if future_context >= 0:
            pad: Padding = get_asymmetric_padding(kernel[0], stride[0], dilation[0], future_context)
        else:
            pad = get_same_padding(kernel[0], stride[0], dilation[0])
        self.conv_mask = conv_mask
        self.separable = separable
        self.residual_mode = residual_mode
        self.se = se
        if norm_groups == -1:
            norm_groups = planes
        conv_args: dict[str, Any] = {
            "kernel_size": kernel[0],
            "dilation": dilation[0],
            "padding": pad,
            "groups": groups,
            "heads": heads,
            "separable": separable,
            "normalization": normalization,
            "norm_groups": norm_groups,
        }

        mconv: Layers = []
        in_channels = inplanes
        for _ in range(repeat - 1):
            inner_stride = 1 if stride_last else stride[0]
            mconv += self._conv_bn(in_channels, planes, stride=inner_stride, **conv_args)
            mconv += self._act_dropout(dropout, activation)
            in_channels = planes
        mconv += self._conv_bn(in_channels, planes, stride=stride[0], **conv_args)
        if se:
            mconv.append(
                SqueezeExcite(
                    planes,
                    reduction_ratio=se_reduction_ratio,
                    context_window=se_context_window,
                    interpolation_mode=se_interpolation_mode,
                    activation=activation,
                )
            )
        self.mconv = nn.ModuleList(mconv)

        # Dense residuals take every earlier block's output; a plain residual takes the input.
        self.dense_residual = residual and bool(residual_panes)
        self.res: nn.ModuleList | None = None
        if residual:
            panes = list(residual_panes) or [inplanes]
            res_stride = stride[0] if residual_mode == "stride_add" else 1
            self.res = nn.ModuleList(
                nn.ModuleList(
                    self._conv_bn(
                        pane,
                        planes,
                        kernel_size=1,
                        stride=res_stride,
                        normalization=normalization,
                        norm_groups=norm_groups,
                    )
                )
                for pane in panes
            )
        self.mout = nn.Sequential(*self._act_dropout(dropout, activation))

    def _conv(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int,
        dilation: int,
        padding: Padding,
        groups: int,
        heads: int = -1,
    ) -> nn.Module:
        shape: dict[str, Any] = {
            "stride": stride,
            "dilation": dilation,
            "padding": padding,
            "groups": groups,
        }
        if self.conv_mask:
            return MaskedConv1d(
                in_channels, out_channels, kernel_size, heads=heads, use_mask=True, **shape
            )
        if not isinstance(padding, int):
            raise ValueError(
                "a Jasper block with future_context (asymmetric padding) needs masked "
                "convolutions: set conv_mask: true in the encoder config, or remove future_context"
            )
        return nn.Conv1d(in_channels, out_channels, kernel_size, bias=False, **shape)

    def _conv_bn(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 11,
        stride: int = 1,
        dilation: int = 1,
        padding: Padding = 0,
        groups: int = 1,
        heads: int = -1,
        separable: bool = False,
        normalization: str = "batch",
        norm_groups: int = 1,
    ) -> Layers:
        if separable:
            layers = [
                self._conv(
                    in_channels, in_channels, kernel_size, stride, dilation, padding,
                    groups=in_channels, heads=heads,
                ),
                self._conv(in_channels, out_channels, 1, 1, 1, 0, groups=groups),
            ]  # fmt: skip
        else:
            layers = [
                self._conv(
                    in_channels, out_channels, kernel_size, stride, dilation, padding, groups
                )
            ]
        layers.append(_norm_layer(normalization, out_channels, norm_groups))
        if groups > 1:
            layers.append(GroupShuffle(groups, out_channels))
        return layers

    @staticmethod
    def _act_dropout(drop_prob: float, activation: nn.Module | None) -> Layers:
        if activation is None:
            activation = nn.Hardtanh(min_val=0.0, max_val=20.0)
        return [activation, nn.Dropout(p=drop_prob)]

    def forward(
        self, input_: tuple[list[torch.Tensor], torch.Tensor | None]
    ) -> tuple[list[torch.Tensor], torch.Tensor | None]:
        xs, lens_orig = input_
        out, lens = _apply_layers(self.mconv, xs[-1], lens_orig)
        if self.res is not None:
            for i, branch in enumerate(self.res):
                res_out, _ = _apply_layers(branch, xs[i], lens_orig)
                out = torch.max(out, res_out) if self.residual_mode == "max" else out + res_out
        out = self.mout(out)
        if self.res is not None and self.dense_residual:
            return [*xs, out], lens
        return [out], lens
