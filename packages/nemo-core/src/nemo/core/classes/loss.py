"""Loss: a typed, config-built ``torch.nn`` loss."""

from __future__ import annotations

import torch

from nemo.core.classes.common import Serialization, Typing

__all__ = ["Loss"]


class Loss(torch.nn.modules.loss._Loss, Typing, Serialization):
    """Base of NeMo's losses: declare ``input_types``/``output_types`` and use ``@typecheck()``."""
