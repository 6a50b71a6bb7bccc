"""The outcome of comparing two neural types."""

from __future__ import annotations

from enum import Enum

__all__ = ["NeuralTypeComparisonResult"]


class NeuralTypeComparisonResult(Enum):
    """How the second type relates to the first (the expected one).

    Only ``SAME`` and ``GREATER`` (the expected type is more general) let a value through a typed
    port; the other members say why it was refused. The numbering is NeMo's.
    """

    SAME = 0
    LESS = 1  # the expected type is more specific than the received one
    GREATER = 2  # the expected type is more general than the received one
    DIM_INCOMPATIBLE = 3  # the same axes, transposed, with different sizes
    TRANSPOSE_SAME = 4  # the same axes in another order
    CONTAINER_SIZE_MISMATCH = 5
    INCOMPATIBLE = 6
    SAME_TYPE_INCOMPATIBLE_PARAMS = 7  # the same element type with different parameters
    UNCHECKED = 8
