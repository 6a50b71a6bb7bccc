"""The decoding result type, at NeMo's import path (``…parts.utils.rnnt_utils.Hypothesis``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

__all__ = ["Hypothesis"]


@dataclass
class Hypothesis:
    """One decoded utterance.

    ``y_sequence``: the emitted token ids (blanks and repeats removed); ``alignments``: the raw
    per-frame ids they came from (kept when hypotheses are requested); ``score``: the sum of the
    chosen frames' log-probabilities, ``-1.0`` when decoding from ids; ``length``: frames decoded
    when lengths were given, else 0; ``timestamp``: ``{'timestep': [...], 'char': [...],
    'word': [...]}`` with each token's and word's frame offsets (and seconds), when computed.
    ``transcribe(..., return_hypotheses=True)`` puts the utterance's log-probs (T, V+1) in
    ``y_sequence``, as NeMo does.
    """

    score: float
    y_sequence: list[int] | torch.Tensor
    text: str | None = None
    alignments: list[int] | torch.Tensor | None = None
    length: int | torch.Tensor = 0
    timestamp: dict[str, Any] | None = None
