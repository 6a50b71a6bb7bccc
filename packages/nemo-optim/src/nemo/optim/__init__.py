"""nemo-optim: optimizers and learning-rate schedulers, registered through the plugin system.

Importing this package is cheap (its plugin module is imported at every discovery): the
optimizers and schedulers below are imported on first use. Look them up by name through
``nemo.core.plugins.optimizers`` / ``schedulers`` or the NeMo-style ``nemo.core.optim`` API.
"""

from __future__ import annotations

from nemo.core._lazy import lazy_exports

__version__ = "0.1.0"

_SCHEDULERS = (
    "CosineAnnealing",
    "InverseSquareRootAnnealing",
    "NoamAnnealing",
    "NoamHoldAnnealing",
    "PolynomialDecayAnnealing",
    "PolynomialHoldDecayAnnealing",
    "SquareAnnealing",
    "SquareRootAnnealing",
    "SquareRootConstantPolicy",
    "T5InverseSquareRootAnnealing",
    "WarmupAnnealHoldPolicy",
    "WarmupAnnealing",
    "WarmupHoldAnnealLinear",
    "WarmupHoldAnnealOneMinusSquareRoot",
    "WarmupHoldPolicy",
    "WarmupPolicy",
)
_EXPORTS: dict[str, str] = {
    "Adafactor": "nemo.optim.adafactor",
    "Adan": "nemo.optim.adan",
    "Novograd": "nemo.optim.novograd",
    **{name: "nemo.optim.lr_scheduler" for name in _SCHEDULERS},
}

__all__ = ["__version__", *_EXPORTS]  # noqa: PLE0604 - the names are the table's keys

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
