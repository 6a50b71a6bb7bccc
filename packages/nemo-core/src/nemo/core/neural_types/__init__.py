"""Neural types: what a module's inputs and outputs are, so mismatched wiring fails early.

A :class:`NeuralType` pairs axes (``('B', 'T')``) with an :class:`ElementType` (what the values
mean). ``expected.compare(received)`` says whether a value fits a port; ``@typecheck`` runs it
on every call of a typed method. Importing this package does not import torch.
"""

from __future__ import annotations

from nemo.core.neural_types import axes, comparison, elements
from nemo.core.neural_types.axes import *  # noqa: F403
from nemo.core.neural_types.comparison import *  # noqa: F403
from nemo.core.neural_types.elements import *  # noqa: F403
from nemo.core.neural_types.errors import (
    NeuralPortNameMismatchError,
    NeuralPortNmTensorMismatchError,
    NeuralTypeError,
)
from nemo.core.neural_types.neural_type import NeuralType

__all__ = [
    "NeuralPortNameMismatchError",
    "NeuralPortNmTensorMismatchError",
    "NeuralType",
    "NeuralTypeError",
]
# The submodules' own lists, so that an element type added there is exported here too (the
# errors module's message helpers stay internal).
__all__ += axes.__all__
__all__ += comparison.__all__
__all__ += elements.__all__
