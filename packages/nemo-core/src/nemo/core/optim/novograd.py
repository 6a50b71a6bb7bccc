"""``from nemo.core.optim.novograd import Novograd`` as in NeMo: the class nemo-optim registers."""

from __future__ import annotations

from nemo.core.optim._provided import registered_exports

__all__: list[str] = []

__getattr__, __dir__ = registered_exports(__name__, (("optimizers", False),))
