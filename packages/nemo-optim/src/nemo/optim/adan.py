"""Adan: adaptive Nesterov momentum (Xie et al., "Adan: Adaptive Nesterov Momentum Algorithm for
Faster Optimizing Deep Models", 2022), with NeMo's arguments.

Three moving averages per parameter: of the gradient (m), of the gradient's change (v) and of
the squared Nesterov-corrected gradient (n), each bias-corrected. ``betas`` weigh the *old*
value as in torch's optimizers, so NeMo's (0.98, 0.92, 0.99) are the paper's 1 - (0.02, 0.08,
0.01). Weight decay is a proximal step (the update is divided by ``1 + lr·wd``) unless
``no_prox``, where the weights are first scaled by ``1 - lr·wd`` as in AdamW. With
``max_grad_norm > 0`` every gradient is first scaled so that their global norm is at most it.

Decision: the gradients are clipped into a copy; ``p.grad`` is left as it was (the reference
implementation scales it in place).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch.optim import Optimizer

from nemo.optim._optimizer_steps import check_range, closure_loss, dense_gradients

__all__ = ["Adan"]


class Adan(Optimizer):
    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float, float] = (0.98, 0.92, 0.99),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        max_grad_norm: float = 0.0,
        no_prox: bool = False,
    ) -> None:
        check_range("Adan", "lr", lr)
        check_range("Adan", "eps", eps)
        check_range("Adan", "max_grad_norm", max_grad_norm)
        if len(betas) != 3:
            raise ValueError(
                f"Adan: betas must be three values in [0, 1), got {betas} (optim.betas in a "
                "model config)"
            )
        for index, beta in enumerate(betas):
            check_range("Adan", f"betas[{index}]", beta, upper=1.0)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "max_grad_norm": max_grad_norm,
            "no_prox": no_prox,
        }
        super().__init__(params, defaults)

    def _clip_factor(self) -> float:
        limit = self.defaults["max_grad_norm"]
        if limit <= 0:
            return 1.0
        grads = [p.grad for group in self.param_groups for p in group["params"]]
        # half-precision gradients are summed in float32; others in their own precision
        squares = [
            (g.float() if g.dtype in (torch.float16, torch.bfloat16) else g).pow(2).sum()
            for g in grads
            if g is not None
        ]
        norm = math.sqrt(sum(float(square) for square in squares))
        return min(1.0, float(limit) / (norm + float(self.defaults["eps"])))

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = closure_loss(closure)
        clip = self._clip_factor()
        for group in self.param_groups:
            group["step"] = group.get("step", 0) + 1  # one count per group, as NeMo's
            for p, grad in dense_gradients(self, group):
                self._update(p, grad * clip, group)
        return loss

    def _update(self, p: torch.Tensor, grad: torch.Tensor, group: dict[str, Any]) -> None:
        beta1, beta2, beta3 = group["betas"]
        step, lr, decay = group["step"], group["lr"], group["weight_decay"]
        state = self.state[p]
        if not state or step == 1:
            state["exp_avg"] = torch.zeros_like(p)
            state["exp_avg_sq"] = torch.zeros_like(p)
            state["exp_avg_diff"] = torch.zeros_like(p)
            state["pre_grad"] = grad.clone()  # no change at the first step
        diff = grad - state["pre_grad"]
        state["exp_avg"].mul_(beta1).add_(grad, alpha=1 - beta1)
        state["exp_avg_diff"].mul_(beta2).add_(diff, alpha=1 - beta2)
        nesterov = grad + beta2 * diff
        state["exp_avg_sq"].mul_(beta3).addcmul_(nesterov, nesterov, value=1 - beta3)
        state["pre_grad"].copy_(grad)

        denom = (state["exp_avg_sq"].sqrt() / (1 - beta3**step) ** 0.5).add_(group["eps"])
        step_size = lr / (1 - beta1**step)
        step_size_diff = lr * beta2 / (1 - beta2**step)
        if group["no_prox"]:
            p.mul_(1 - lr * decay)
        p.addcdiv_(state["exp_avg"], denom, value=-step_size)
        p.addcdiv_(state["exp_avg_diff"], denom, value=-step_size_diff)
        if not group["no_prox"]:
            p.div_(1 + lr * decay)
