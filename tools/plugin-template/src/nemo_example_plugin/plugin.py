"""The module the ``nemo.plugins`` entry point names: hook implementations only.

Everything is registered by lazy reference ("module:Name"): listing the registries imports this
module, never ``optim``, ``sched`` or ``model`` (and so never torch).
"""

from __future__ import annotations

from nemo.core.plugins import Registrar, hookimpl

__all__ = ["nemo_register"]

_PKG = "nemo_example_plugin"


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    registrar.optimizer(
        "lion",
        f"{_PKG}.optim:Lion",
        params=f"{_PKG}.optim:LionParams",
        description="Lion: sign of an interpolated momentum (Chen et al., 2023)",
    )
    registrar.scheduler(
        "LinearWarmupDecay",
        f"{_PKG}.sched:LinearWarmupDecay",
        params=f"{_PKG}.sched:LinearWarmupDecayParams",
        description="linear warm-up to the base lr, then linear decay to min_lr",
    )
    registrar.model(
        "TinyRegressionModel",
        f"{_PKG}.model:TinyRegressionModel",
        description="linear regression on synthetic data, for smoke tests",
    )
