"""``Config``: the base of NeMo's module config dataclasses (it only has an optional name)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Config"]


@dataclass
class Config:
    """Base of a module's config dataclass."""

    name: str | None = None
