"""Turn the ``jasper:`` list of an encoder config into a stack of :class:`JasperBlock`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from torch import nn

from nemo.collections.asr.parts.submodules.jasper import JasperBlock, jasper_activations

__all__ = ["build_jasper_stack", "make_activation"]

_REQUIRED_KEYS = ("filters", "repeat", "kernel", "stride", "dilation", "dropout", "residual")


def make_activation(name: str) -> nn.Module:
    """The activation named in a config (``relu``, ``swish``, …)."""
    factory = jasper_activations.get(name)
    if factory is None:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(jasper_activations))}"
        )
    return factory()


def _as_list(value: Any) -> list[int]:
    return [int(v) for v in value] if isinstance(value, Sequence) else [int(value)]


def build_jasper_stack(
    jasper: Sequence[Mapping[str, Any]],
    activation: nn.Module,
    feat_in: int,
    normalization_mode: str = "batch",
    residual_mode: str = "add",
    norm_groups: int = -1,
    conv_mask: bool = True,
) -> tuple[nn.Sequential, int]:
    """Blocks for ``jasper`` (one mapping per block, NeMo's keys) and their output channels."""
    if not jasper:
        raise ValueError("the encoder's 'jasper' list is empty: give at least one block config")
    blocks = []
    dense_panes: list[int] = []
    for index, block in enumerate(jasper):
        missing = [key for key in _REQUIRED_KEYS if key not in block]
        if missing:
            raise ValueError(f"jasper block {index} lacks required keys {missing}")
        panes: list[int] = []
        if block.get("residual_dense", False):
            dense_panes.append(feat_in)
            panes = list(dense_panes)
        blocks.append(
            JasperBlock(
                feat_in,
                int(block["filters"]),
                repeat=int(block["repeat"]),
                kernel_size=_as_list(block["kernel"]),
                stride=_as_list(block["stride"]),
                dilation=_as_list(block["dilation"]),
                dropout=float(block["dropout"]),
                residual=bool(block["residual"]),
                groups=int(block.get("groups", 1)),
                separable=bool(block.get("separable", False)),
                heads=int(block.get("heads", -1)),
                residual_mode=str(block.get("residual_mode", residual_mode)),
                normalization=normalization_mode,
                norm_groups=norm_groups,
                activation=activation,
                residual_panes=panes,
                conv_mask=conv_mask,
                se=bool(block.get("se", False)),
                se_reduction_ratio=int(block.get("se_reduction_ratio", 8)),
                se_context_window=int(block.get("se_context_size", -1)),
                se_interpolation_mode=str(block.get("se_interpolation_mode", "nearest")),
                kernel_size_factor=float(block.get("kernel_size_factor", 1.0)),
                stride_last=bool(block.get("stride_last", False)),
                future_context=int(block.get("future_context", -1)),
            )
        )
        feat_in = int(block["filters"])
    return nn.Sequential(*blocks), feat_in
