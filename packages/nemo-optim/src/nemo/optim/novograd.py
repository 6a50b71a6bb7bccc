"""Novograd: SGD with layer-wise gradient normalisation and decoupled weight decay.

Ginsburg et al., "Stochastic Gradient Methods with Layer-wise Adaptive Moments for Training of
Deep Networks" (2019). The second moment is one scalar per parameter tensor, there is no bias
correction, and weight decay is added after the gradient is normalised. The state dict keys
(``step``, ``exp_avg``, scalar ``exp_avg_sq``, ``max_exp_avg_sq``) are NeMo's, so optimizer
states saved by NeMo load here.

Decision: the scalar moments are kept in float32 or the parameter's dtype, whichever is wider.
NeMo keeps them in float32 always (``torch.zeros([])``): we match it for float32, float16 and
bfloat16 parameters (where float32 is what keeps a squared norm above 65504 from overflowing;
the norm is computed in that dtype too, so a float16 gradient of norm 300 still trains), and
depart from it for float64 parameters, where NeMo rounds the moment to float32 and its updates
drift from the equations by ~1e-7 relative after one step; ours follow them to float64 precision.

Decision: NeMo normalises ``p.grad`` in place, so after ``step()`` the gradient a user (or a
gradient-norm logger) reads is no longer the gradient. This implementation leaves ``p.grad``
untouched; the parameter update is the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from nemo.optim._optimizer_steps import PerParameterOptimizer, check_range

__all__ = ["Novograd"]


class Novograd(PerParameterOptimizer):
    """Novograd, as NeMo defines it (arguments and defaults are NeMo's)."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.95, 0.98),
        eps: float = 1e-8,
        weight_decay: float = 0,
        grad_averaging: bool = False,
        amsgrad: bool = False,
        luc: bool = False,
        luc_trust: float = 1e-3,
        luc_eps: float = 1e-8,
    ) -> None:
        check_range("Novograd", "lr", lr)
        check_range("Novograd", "eps", eps)
        beta1, beta2 = betas
        check_range("Novograd", "betas[0]", beta1, upper=1.0)
        check_range("Novograd", "betas[1]", beta2, upper=1.0)
        defaults = {
            "lr": lr,
            "betas": (beta1, beta2),
            "eps": eps,
            "weight_decay": weight_decay,
            "grad_averaging": grad_averaging,
            "amsgrad": amsgrad,
            "luc": luc,
            "luc_trust": luc_trust,
            "luc_eps": luc_eps,
        }
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:  # states pickled before amsgrad existed
            group.setdefault("amsgrad", False)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Like ``Optimizer.load_state_dict``, which casts every floating state tensor to its
        parameter's dtype: that would round a float16 parameter's float32 moments to float16
        (90000 becomes inf), so the saved moments are put back at their own width."""
        saved = state_dict["state"]
        super().load_state_dict(state_dict)
        for saved_group, group in zip(state_dict["param_groups"], self.param_groups, strict=True):
            for param_id, p in zip(saved_group["params"], group["params"], strict=True):
                for key in _MOMENTS:
                    moment = saved.get(param_id, {}).get(key)
                    if isinstance(moment, torch.Tensor):
                        self.state[p][key] = moment.to(p.device, _moment_dtype(p), copy=True)

    def _update(self, p: torch.Tensor, grad: torch.Tensor, group: dict[str, Any]) -> None:
        state = self.state[p]
        moment_dtype = _moment_dtype(p)
        if not state:
            state["step"] = 0
            state["exp_avg"] = torch.zeros_like(p)
            state["exp_avg_sq"] = torch.zeros([], dtype=moment_dtype, device=p.device)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = torch.zeros([], dtype=moment_dtype, device=p.device)
        beta1, beta2 = group["betas"]
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        state["step"] += 1

        norm = torch.linalg.vector_norm(grad, dtype=moment_dtype).pow(2)
        if exp_avg_sq == 0:  # first step: the moment starts at the first gradient's norm
            exp_avg_sq.copy_(norm)
        else:
            exp_avg_sq.mul_(beta2).add_(norm, alpha=1.0 - beta2)
        if group["amsgrad"]:
            max_exp_avg_sq = state["max_exp_avg_sq"]
            torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
            denom = max_exp_avg_sq.sqrt().add_(group["eps"])
        else:
            denom = exp_avg_sq.sqrt().add_(group["eps"])

        update = grad / denom
        if group["weight_decay"] != 0:
            update.add_(p, alpha=group["weight_decay"])
        if group["grad_averaging"]:
            update.mul_(1.0 - beta1)
        exp_avg.mul_(beta1).add_(update)

        if group["luc"]:  # keep each update below luc_trust times the weights' norm
            factor = group["luc_trust"] * p.norm() / (exp_avg.norm() + group["luc_eps"])
            p.sub_(exp_avg * factor.clamp(max=group["lr"]))
        else:
            p.add_(exp_avg, alpha=-group["lr"])


_MOMENTS = ("exp_avg_sq", "max_exp_avg_sq")


def _moment_dtype(p: torch.Tensor) -> torch.dtype:
    return torch.promote_types(p.dtype, torch.float32)
