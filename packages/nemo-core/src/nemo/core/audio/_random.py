"""Where augmentation in a model draws its random numbers from.

A module given no ``rng`` draws from the process-wide generator of :mod:`random`. That generator
is the one ``seed_everything`` seeds and the one exp_manager's resume state saves and restores,
so a seeded run is reproducible and a resumed run continues the same masks: a private
``random.Random()`` seeded from the operating system (NeMo's default) gives neither.
"""

from __future__ import annotations

import random
from typing import Any

__all__ = ["make_rng"]


class _ProcessRandom(random.Random):
    """A ``random.Random`` whose every draw comes from the :mod:`random` module's generator."""

    def seed(self, a: object = None, version: int = 2) -> None:
        if a is not None:
            raise TypeError(
                "this generator is the process-wide one: seed it with random.seed(...) or "
                "pytorch_lightning.seed_everything(...), or give the module rng=<int> instead"
            )

    def random(self) -> float:
        return random.random()

    def getrandbits(self, k: int) -> int:
        return random.getrandbits(k)

    def getstate(self) -> tuple[Any, ...]:
        return random.getstate()

    def setstate(self, state: tuple[Any, ...]) -> None:
        random.setstate(state)

    def __reduce__(self) -> tuple[object, tuple[()]]:
        # Copies and pickles (deepcopy of a model, spawned DDP workers) refer to the receiving
        # process's generator; they neither carry nor overwrite its state.
        return _process_random, ()


def _process_random() -> _ProcessRandom:
    return _PROCESS_RANDOM


_PROCESS_RANDOM = _ProcessRandom()


def make_rng(rng: random.Random | int | None) -> random.Random:
    """A generator from an instance (used as is), an int seed (a private generator), or ``None``.

    ``None`` gives the process-wide generator (see the module's docstring).
    """
    if isinstance(rng, random.Random):
        return rng
    if rng is None:
        return _PROCESS_RANDOM
    if isinstance(rng, int) and not isinstance(rng, bool):
        return random.Random(rng)
    raise TypeError(f"rng must be a random.Random, an int seed or None, got {type(rng).__name__}")
