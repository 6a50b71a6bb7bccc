"""Adafactor with NeMo's arguments (Shazeer & Stern, "Adafactor: Adaptive Learning Rates with
Sublinear Memory Cost", 2018).

torch's ``torch.optim.Adafactor`` takes other arguments (``beta2_decay``, ``d``) than NeMo's
``AdafactorParams`` (``beta1``, ``clip_threshold``, ``decay_rate``, ``scale_parameter``,
``relative_step``, ``warmup_init``), so NeMo configs need this implementation.

The second moment of a matrix is factored into row and column averages; the update is clipped
to RMS ``clip_threshold``; with ``scale_parameter`` the step is relative to the parameter's RMS;
with ``relative_step`` the step size is ``min(min_step, 1/sqrt(t))`` instead of ``lr``.
``relative_step`` defaults to "on unless ``lr`` is given", so both ``Adafactor(params)`` (NeMo's
class default) and ``optim: {name: adafactor, lr: …}`` (NeMo's params default) work.

Decision: ``β2_t = 1 - t^(-c)`` with ``c = |decay_rate|``. NeMo's params say ``decay_rate=0.8``
(the paper's c) while the fairseq-style code it derives from takes ``decay_rate=-0.8``; either
sign gives the paper's schedule here, where a positive value would otherwise make β2 negative.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import torch

from nemo.optim._optimizer_steps import PerParameterOptimizer, check_range

__all__ = ["Adafactor"]


class Adafactor(PerParameterOptimizer):
    def __init__(
        self,
        params: Iterable[Any],
        lr: float | None = None,
        eps: tuple[float, float] = (1e-30, 1e-3),
        clip_threshold: float = 1.0,
        decay_rate: float = 0.8,
        beta1: float | None = None,
        weight_decay: float = 0.0,
        scale_parameter: bool = True,
        relative_step: bool | None = None,
        warmup_init: bool = False,
        min_step: float = 1e-2,
    ) -> None:
        if relative_step is None:  # the relative step replaces lr: on unless lr is given
            relative_step = lr is None
        if lr is not None and relative_step:
            raise ValueError(
                "Adafactor: lr and relative_step=True exclude each other (the relative step "
                "replaces lr); set relative_step=False to use lr, or leave lr out"
            )
        if lr is None and not relative_step:
            raise ValueError("Adafactor: give lr, or set relative_step=True")
        if warmup_init and not relative_step:
            raise ValueError("Adafactor: warmup_init=True needs relative_step=True")
        if beta1 is not None:
            check_range("Adafactor", "beta1", beta1, upper=1.0)
        defaults = {
            "lr": lr,
            "eps": tuple(eps),
            "clip_threshold": clip_threshold,
            "decay_rate": decay_rate,
            "beta1": beta1,
            "weight_decay": weight_decay,
            "scale_parameter": scale_parameter,
            "relative_step": relative_step,
            "warmup_init": warmup_init,
            "min_step": min_step,
        }
        super().__init__(params, defaults)

    @staticmethod
    def _rms(tensor: torch.Tensor) -> torch.Tensor:
        rms: torch.Tensor = tensor.norm(2) / float(tensor.numel() ** 0.5)
        return rms

    @staticmethod
    def _step_size(group: dict[str, Any], step: int, rms: float) -> float:
        size: float = group["lr"]
        if group["relative_step"]:
            floor = 1e-6 * step if group["warmup_init"] else group["min_step"]
            size = min(floor, 1.0 / math.sqrt(step))
        if group["scale_parameter"]:
            size *= max(group["eps"][1], rms)
        return size

    def _update(self, p: torch.Tensor, grad: torch.Tensor, group: dict[str, Any]) -> None:
        grad = grad.float()
        factored = grad.dim() >= 2
        state = self.state[p]
        if not state:
            state["step"] = 0
            if group["beta1"] is not None:
                state["exp_avg"] = torch.zeros_like(grad)
            if factored:
                state["exp_avg_sq_row"] = torch.zeros(grad.shape[:-1]).to(grad)
                state["exp_avg_sq_col"] = torch.zeros(grad.shape[:-2] + grad.shape[-1:]).to(grad)
            else:
                state["exp_avg_sq"] = torch.zeros_like(grad)
            state["RMS"] = 0.0
        weights = p.float()
        state["step"] += 1
        state["RMS"] = float(self._rms(weights))
        lr = self._step_size(group, state["step"], state["RMS"])

        beta2 = 1.0 - math.pow(state["step"], -abs(group["decay_rate"]))
        squared = grad.square().add_(group["eps"][0])
        if factored:
            row, col = state["exp_avg_sq_row"], state["exp_avg_sq_col"]
            row.mul_(beta2).add_(squared.mean(dim=-1), alpha=1.0 - beta2)
            col.mul_(beta2).add_(squared.mean(dim=-2), alpha=1.0 - beta2)
            row_factor = (row / row.mean(dim=-1, keepdim=True)).rsqrt().unsqueeze(-1)
            update = row_factor * col.unsqueeze(-2).rsqrt() * grad
        else:
            exp_avg_sq = state["exp_avg_sq"]
            exp_avg_sq.mul_(beta2).add_(squared, alpha=1.0 - beta2)
            update = exp_avg_sq.rsqrt() * grad

        update.div_((self._rms(update) / group["clip_threshold"]).clamp(min=1.0))
        update.mul_(lr)
        if group["beta1"] is not None:
            exp_avg = state["exp_avg"]
            exp_avg.mul_(group["beta1"]).add_(update, alpha=1.0 - group["beta1"])
            update = exp_avg
        if group["weight_decay"] != 0:
            weights.add_(weights, alpha=-group["weight_decay"] * lr)
        weights.sub_(update)
        if weights.data_ptr() != p.data_ptr():  # half-precision weights were updated in fp32
            p.copy_(weights)
