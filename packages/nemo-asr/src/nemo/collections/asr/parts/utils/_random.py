"""Augmentation's random generators, shared with every speech collection through nemo-core."""

from nemo.core.audio._random import make_rng

__all__ = ["make_rng"]
