"""PLACEHOLDER written by the lead so Model imports; helper-2 (pretrained) owns and replaces this file."""

from __future__ import annotations

__all__ = ["PretrainedMixin"]


class PretrainedMixin:
    pass
