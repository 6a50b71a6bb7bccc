"""Small utilities shared by nemo-core and the collections."""

from __future__ import annotations

from nemo.utils._logging import logging

__all__ = ["logging"]
