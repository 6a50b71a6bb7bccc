"""Names that our own distributions provide, so a lookup can say what to install.

Only used to word an error message: nothing here is registered or imported.
"""

from __future__ import annotations

__all__ = ["known_names", "known_provider"]

_TORCH_OPTIMIZERS = ("sgd", "adam", "adamw", "adadelta", "adamax", "adagrad", "rmsprop", "rprop")
_NEMO_OPTIMIZERS = ("novograd", "adafactor", "adan")
_NEMO_SCHEDULERS = (
    "WarmupPolicy",
    "WarmupHoldPolicy",
    "WarmupAnnealHoldPolicy",
    "SquareRootConstantPolicy",
    "SquareAnnealing",
    "SquareRootAnnealing",
    "CosineAnnealing",
    "NoamAnnealing",
    "NoamHoldAnnealing",
    "WarmupHoldAnnealOneMinusSquareRoot",
    "WarmupHoldAnnealLinear",
    "WarmupAnnealing",
    "InverseSquareRootAnnealing",
    "T5InverseSquareRootAnnealing",
    "PolynomialDecayAnnealing",
    "PolynomialHoldDecayAnnealing",
)
_TORCH_SCHEDULERS = (
    "StepLR",
    "ExponentialLR",
    "ReduceLROnPlateau",
    "CyclicLR",
    "OneCycleLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "MultiStepLR",
    "LinearLR",
    "ConstantLR",
    "PolynomialLR",
)
_ASR_MODELS = ("EncDecCTCModel", "EncDecCTCModelBPE")
_ASR_PRETRAINED = (
    "QuartzNet15x5Base-En",
    "stt_en_quartznet15x5",
    "stt_en_jasper10x5dr",
    "stt_en_citrinet_256",
    "stt_en_citrinet_512",
    "stt_en_citrinet_1024",
)

_PROVIDERS: dict[str, dict[str, str]] = {
    "optimizers": {name: "nemo-optim" for name in (*_TORCH_OPTIMIZERS, *_NEMO_OPTIMIZERS)},
    "schedulers": {name: "nemo-optim" for name in (*_NEMO_SCHEDULERS, *_TORCH_SCHEDULERS)},
    "models": {name: "nemo-asr" for name in _ASR_MODELS},
    "pretrained": {name: "nemo-asr" for name in _ASR_PRETRAINED},
}


def known_provider(kind: str, name: str) -> str | None:
    """The distribution of ours that registers ``name`` under ``kind``, if we know one."""
    table = _PROVIDERS.get(kind, {})
    if name in table:
        return table[name]
    folded = name.casefold()
    return next((dist for known, dist in table.items() if known.casefold() == folded), None)


def known_names(kind: str, distribution: str) -> list[str]:
    """Every name we expect ``distribution`` to register under ``kind`` (kept in step by tests)."""
    return sorted(name for name, dist in _PROVIDERS.get(kind, {}).items() if dist == distribution)
