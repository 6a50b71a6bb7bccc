"""PLACEHOLDER written by the lead so ModelPT imports; helper-1 (optim) owns and replaces this file."""

from __future__ import annotations

__all__ = ["OptimizationMixin"]


class OptimizationMixin:
    pass
