"""nemo-optim's plugin: registers its optimizers and schedulers by lazy reference."""

from __future__ import annotations

from nemo.core.plugins import Registrar, hookimpl


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    registrar.optimizer("sgd", "torch.optim:SGD")
