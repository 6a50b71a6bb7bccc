"""Edit distance between two sequences (the ``editdistance`` package is not a dependency)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

__all__ = ["edit_distance"]


def edit_distance(hypothesis: Sequence[Hashable], reference: Sequence[Hashable]) -> int:
    """Minimum number of insertions, deletions and substitutions turning one into the other."""
    previous = list(range(len(reference) + 1))
    for i, hyp_item in enumerate(hypothesis, start=1):
        current = [i]
        for j, ref_item in enumerate(reference, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (hyp_item != ref_item),
                )
            )
        previous = current
    return previous[-1]
