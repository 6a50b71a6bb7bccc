"""nemo-optim's plugin: registers its optimizers and schedulers by lazy reference.

Importing this module imports no torch: discovery reads the tables below and nothing is loaded
until a name is used.
"""

from __future__ import annotations

from nemo.core.plugins import Registrar, hookimpl

__all__ = ["OPTIMIZERS", "SCHEDULERS", "nemo_register"]

_OPT_PARAMS = "nemo.optim.optimizer_params"
_SCHED_PARAMS = "nemo.optim.scheduler_params"
_NEMO_SCHED = "nemo.optim.lr_scheduler"
_TORCH_SCHED = "torch.optim.lr_scheduler"

# name -> (implementation, params dataclass, description)
OPTIMIZERS: dict[str, tuple[str, str, str]] = {
    "sgd": ("torch.optim:SGD", "SGDParams", "stochastic gradient descent (torch)"),
    "adam": ("torch.optim:Adam", "AdamParams", "Adam (torch)"),
    "adamw": ("torch.optim:AdamW", "AdamWParams", "Adam with decoupled weight decay (torch)"),
    "adadelta": ("torch.optim:Adadelta", "AdadeltaParams", "Adadelta (torch)"),
    "adamax": ("torch.optim:Adamax", "AdamaxParams", "Adamax (torch)"),
    "adagrad": ("torch.optim:Adagrad", "AdagradParams", "Adagrad (torch)"),
    "rmsprop": ("torch.optim:RMSprop", "RMSpropParams", "RMSprop (torch)"),
    "rprop": ("torch.optim:Rprop", "RpropParams", "resilient backpropagation (torch)"),
    "novograd": (
        "nemo.optim.novograd:Novograd",
        "NovogradParams",
        "layer-wise normalised gradients, decoupled weight decay",
    ),
    "adafactor": (
        "nemo.optim.adafactor:Adafactor",
        "AdafactorParams",
        "factored second moments, relative step sizes (NeMo's arguments)",
    ),
    "adan": (
        "nemo.optim.adan:Adan",
        "AdanParams",
        "adaptive Nesterov momentum",
    ),
}

_NEMO_SCHEDULERS: dict[str, tuple[str, str]] = {
    "WarmupPolicy": ("WarmupSchedulerParams", "linear warm-up, then constant"),
    "WarmupHoldPolicy": ("WarmupHoldSchedulerParams", "warm-up, hold, then constant"),
    "WarmupAnnealHoldPolicy": (
        "WarmupAnnealingHoldSchedulerParams",
        "warm-up, anneal, then min_lr for constant_steps",
    ),
    "SquareRootConstantPolicy": (
        "SquareRootConstantSchedulerParams",
        "1/sqrt(constant_steps) for constant_steps, then constant",
    ),
    "SquareAnnealing": ("SquareAnnealingParams", "warm-up, then square decay"),
    "SquareRootAnnealing": ("SquareRootAnnealingParams", "warm-up, then square-root decay"),
    "CosineAnnealing": ("CosineAnnealingParams", "warm-up, then half-cosine to min_lr"),
    "NoamAnnealing": ("NoamAnnealingParams", "the Transformer's inverse square root schedule"),
    "NoamHoldAnnealing": ("NoamHoldAnnealingParams", "warm-up, hold, inverse power decay"),
    "WarmupHoldAnnealOneMinusSquareRoot": (
        "WarmupHoldAnnealOneMinusSquareRootParams",
        "warm-up, hold, then 1 - sqrt decay",
    ),
    "WarmupHoldAnnealLinear": (
        "WarmupHoldAnnealLinearParams",
        "warm-up, hold, then linear decay to min_lr",
    ),
    "WarmupAnnealing": ("WarmupAnnealingParams", "warm-up, then linear decay to min_lr"),
    "InverseSquareRootAnnealing": (
        "InverseSquareRootAnnealingParams",
        "warm-up, then inverse square root decay",
    ),
    "T5InverseSquareRootAnnealing": (
        "T5InverseSquareRootAnnealingParams",
        "T5's 1/sqrt(max(step, constant_steps)), independent of lr",
    ),
    "PolynomialDecayAnnealing": (
        "PolynomialDecayAnnealingParams",
        "warm-up, then polynomial decay to min_lr",
    ),
    "PolynomialHoldDecayAnnealing": (
        "PolynomialHoldDecayAnnealingParams",
        "warm-up, hold, then polynomial decay to min_lr",
    ),
}

_TORCH_SCHEDULERS: dict[str, str] = {
    "StepLR": "decay by gamma every step_size (torch)",
    "ExponentialLR": "decay by gamma every epoch (torch)",
    "ReduceLROnPlateau": "decay when a monitored metric stops improving (torch)",
    "CyclicLR": "cyclical learning rate (torch)",
    "OneCycleLR": "the 1cycle policy (torch)",
    "CosineAnnealingLR": "cosine annealing over T_max (torch)",
    "CosineAnnealingWarmRestarts": "cosine annealing with warm restarts (torch)",
    "MultiStepLR": "decay by gamma at milestones (torch)",
    "LinearLR": "linear change of a multiplicative factor (torch)",
    "ConstantLR": "constant factor for total_iters (torch)",
    "PolynomialLR": "polynomial decay over total_iters (torch)",
}

# name -> (implementation, params dataclass, description)
SCHEDULERS: dict[str, tuple[str, str, str]] = {
    **{
        name: (f"{_NEMO_SCHED}:{name}", params, description)
        for name, (params, description) in _NEMO_SCHEDULERS.items()
    },
    **{
        name: (f"{_TORCH_SCHED}:{name}", f"{name}Params", description)
        for name, description in _TORCH_SCHEDULERS.items()
    },
}


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    for name, (target, params, description) in OPTIMIZERS.items():
        registrar.optimizer(name, target, params=f"{_OPT_PARAMS}:{params}", description=description)
    for name, (target, params, description) in SCHEDULERS.items():
        registrar.scheduler(
            name, target, params=f"{_SCHED_PARAMS}:{params}", description=description
        )
