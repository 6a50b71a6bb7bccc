"""Augmentation's random generators, shared with every speech collection through nemo-core."""

from nemo.core.audio import make_rng

__all__ = ["make_rng"]
