"""What Novograd, Adafactor and Adan share: argument checks and the walk over the parameters.

Novograd and Adafactor update each parameter on its own (:class:`PerParameterOptimizer`); Adan
first clips all gradients together and counts steps per group, so it has its own ``step``, built
from the same :func:`closure_loss` and :func:`dense_gradients`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch.optim import Optimizer

__all__ = ["PerParameterOptimizer", "check_range", "closure_loss", "dense_gradients"]


def check_range(optimizer: str, name: str, value: float, *, upper: float | None = None) -> None:
    """``value`` must be >= 0 (and < ``upper`` when given); NaN never is."""
    if not value >= 0.0 or (upper is not None and not value < upper):
        bound = f"in [0, {upper:g})" if upper is not None else ">= 0"
        raise ValueError(
            f"{optimizer}: {name} must be {bound}, got {value} (optim.{name} in a model config)"
        )


def closure_loss(closure: Callable[[], Any] | None) -> Any:
    """The loss ``closure`` re-evaluates (with gradients on, inside ``step``), or None."""
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


def dense_gradients(
    optimizer: Optimizer, group: dict[str, Any]
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """``(parameter, gradient)`` of the parameters of ``group`` that have a gradient.

    A sparse gradient is refused: none of these optimizers has a sparse update.
    """
    for p in group["params"]:
        grad = p.grad
        if grad is None:
            continue
        if grad.is_sparse:
            raise RuntimeError(
                f"{type(optimizer).__name__} does not support sparse gradients; use a dense "
                "embedding (sparse=False) or torch.optim.SparseAdam for that parameter"
            )
        yield p, grad


class PerParameterOptimizer(Optimizer):
    """``step``: the closure, then :meth:`_update` for each parameter with a dense gradient."""

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = closure_loss(closure)
        for group in self.param_groups:
            for p, grad in dense_gradients(self, group):
                self._update(p, grad, group)
        return loss

    def _update(self, p: torch.Tensor, grad: torch.Tensor, group: dict[str, Any]) -> None:
        raise NotImplementedError
