"""NeMo's scheduler API over the plugin registry, and the step arithmetic of a training run.

``AVAILABLE_SCHEDULERS`` is a live read-only view of ``nemo.core.plugins.schedulers``. Scheduler
classes are attributes of this module as in NeMo (``lr_scheduler.CosineAnnealing``), resolved
through the registry, so they come from whichever plugin registered them (nemo-optim for NeMo's).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

from nemo.core import plugins
from nemo.core.config.schedulers import AVAILABLE_SCHEDULER_PARAMS
from nemo.core.optim._arguments import (
    accepted_arguments,
    has_class_path,
    params_fields,
    params_from_args,
    params_from_class_path,
    registered_partial,
)
from nemo.core.optim._provided import registered_exports
from nemo.utils import logging
from nemo.utils.model_utils import plain_dict

__all__ = [
    "AVAILABLE_SCHEDULERS",
    "EPOCH_SCHEDULERS",
    "compute_max_steps",
    "get_scheduler",
    "prepare_lr_scheduler",
    "register_scheduler",
]

AVAILABLE_SCHEDULERS: Mapping[str, Any] = plugins.schedulers.view()

# Schedulers stepped once per epoch rather than per optimizer step (NeMo 3.0's list); add a
# name here, or set ``interval`` in the ``sched`` config, for another epoch-wise scheduler.
EPOCH_SCHEDULERS: set[str] = {"ExponentialLR", "ReduceLROnPlateau"}

# ``sched`` keys that configure the run, not the scheduler: never passed to its constructor.
_RUN_KEYS = (
    "name",
    "t_max_epochs",
    "t_accumulate_grad_batches",
    "t_limit_train_batches",
    "t_num_workers",
    "monitor",
    "reduce_on_plateau",
    "interval",
    "frequency",
)

__getattr__, __dir__ = registered_exports(__name__, (("schedulers", False),))


def register_scheduler(name: str, scheduler: Any, scheduler_params: Any) -> None:
    """Register ``scheduler`` and its params dataclass under ``name`` for this process.

    A name already registered raises ``ValueError`` (as in NeMo); ``args.name: auto`` finds the
    params under ``"<name>Params"``.
    """
    plugins.register_scheduler(name, scheduler, scheduler_params)


def get_scheduler(name: str, **kwargs: Any) -> functools.partial[Any]:
    """``functools.partial(SchedulerClass, **kwargs)`` for the scheduler registered as ``name``.

    Unknown names raise ``ValueError`` listing the available ones; an unknown argument raises
    naming the params dataclass.
    """
    return registered_partial(plugins.schedulers, name, kwargs)


def compute_max_steps(
    max_epochs: int,
    accumulate_grad_batches: int,
    limit_train_batches: int | float,
    num_workers: int,
    num_samples: int,
    batch_size: int,
    drop_last: bool,
) -> int:
    """Optimizer steps in ``max_epochs`` epochs of a data-parallel run.

    ``num_workers`` is the number of data-parallel processes (each sees ``1/num_workers`` of the
    samples, as a distributed sampler deals them); ``limit_train_batches`` is a batch count
    (int) or a fraction of the epoch (float), as in Lightning.
    """
    if batch_size <= 0:
        raise ValueError(f"compute_max_steps: batch_size must be > 0, got {batch_size}")
    if accumulate_grad_batches <= 0:
        raise ValueError(
            f"compute_max_steps: accumulate_grad_batches must be > 0, got {accumulate_grad_batches}"
        )
    round_batches = math.floor if drop_last else math.ceil
    per_worker = math.ceil(num_samples / max(1, num_workers))
    steps_per_epoch: float = round_batches(per_worker / batch_size)
    if isinstance(limit_train_batches, int) or limit_train_batches == 0.0:
        steps_per_epoch = min(steps_per_epoch, int(limit_train_batches))
    elif steps_per_epoch != float("inf"):
        steps_per_epoch = int(steps_per_epoch * limit_train_batches)
    return math.ceil(steps_per_epoch / accumulate_grad_batches) * max_epochs


def prepare_lr_scheduler(
    optimizer: Any, scheduler_config: Any, train_dataloader: Any = None
) -> dict[str, Any] | None:
    """Build the scheduler that a ``sched`` config describes, as a Lightning scheduler dict.

    ``max_steps`` is the config's own if set, else computed from ``t_max_epochs`` and the other
    ``t_*`` keys (which ``setup_optimization`` fills from the trainer) and the train loader. A
    scheduler that takes ``max_steps`` gets it; without one (no trainer, no loader) it cannot
    be built: a warning says why and ``None`` is returned, as in NeMo.

    Returns ``{'scheduler', 'interval', 'frequency', 'monitor'}`` (plus ``reduce_on_plateau``
    when the config sets it; Lightning recognises torch's ReduceLROnPlateau by itself).
    """
    if scheduler_config is None:
        logging.info("Scheduler not initialized as no `sched` config supplied to setup_optimizer()")
        return None
    config = plain_dict(scheduler_config, what="sched config")
    if "args" in config:
        args = plain_dict(config["args"] or {}, what="sched.args")
    else:
        args = {key: value for key, value in config.items() if key not in _RUN_KEYS}

    name, kwargs = _name_and_arguments(config, args)
    if name is None:
        return None
    registration = plugins.schedulers.get(name)
    scheduler_cls = registration.load()
    takes_max_steps = _takes(scheduler_cls, "max_steps")
    if takes_max_steps:
        max_steps = _max_steps(config, train_dataloader)
        if max_steps is None:
            return None
        kwargs["max_steps"] = max_steps
    else:
        kwargs.pop("max_steps", None)

    scheduler = get_scheduler(registration.name, **kwargs)(optimizer)
    logging.info("Scheduler %r will be used during training, with %s", registration.name, kwargs)

    interval = "epoch" if registration.name in EPOCH_SCHEDULERS else "step"
    schedule = {
        "scheduler": scheduler,
        "interval": config.get("interval") or interval,
        "frequency": int(config.get("frequency") or 1),
        "monitor": config.get("monitor") or "loss",
    }
    if config.get("reduce_on_plateau") is not None:
        schedule["reduce_on_plateau"] = bool(config["reduce_on_plateau"])
    return schedule


def _takes(cls: Any, argument: str) -> bool:
    accepted = accepted_arguments(cls)
    return accepted is None or argument in accepted


def _name_and_arguments(config: dict[str, Any], args: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The scheduler's registered name and its constructor arguments from the config."""
    if has_class_path(args):
        params = params_from_class_path(args, what="sched params")
        by_params = _name_of_params(type(params))
        return by_params, _fields_for(by_params, params)
    name = config.get("name")
    if name is None:
        logging.warning(
            "The `sched` config has neither `name` nor a params class path (`_target_`): "
            "no scheduler is created. Set sched.name, e.g. CosineAnnealing."
        )
        return None, {}
    if "name" in args:
        params = params_from_args(
            args, AVAILABLE_SCHEDULER_PARAMS, f"{name}Params", what=f"scheduler {name!r} args"
        )
        return name, _fields_for(name, params)
    return name, args


def _fields_for(name: str, params: Any) -> dict[str, Any]:
    return params_fields(params, plugins.schedulers.load(name))


def _name_of_params(params_cls: type) -> str:
    """The registered scheduler whose params class this is (else the class name less 'Params')."""
    for entry in plugins.schedulers.entries():
        if entry.params is not None and entry.load_params() is params_cls:
            return entry.name
    return params_cls.__name__.removesuffix("Params")


def _max_steps(config: Mapping[str, Any], train_dataloader: Any) -> int | None:
    """``max_steps`` of the config, or computed from ``t_max_epochs`` and the train loader."""
    if config.get("max_steps") is not None:
        max_steps = int(config["max_steps"])
        if max_steps == -1:  # Lightning's "no limit", as a trainer's max_steps passes it on
            logging.warning(
                "sched.max_steps is -1 (no step limit): the scheduler is not created. Set a "
                "positive max_steps, or leave it unset and give the trainer max_epochs."
            )
            return None
        if max_steps < 0:
            raise ValueError(
                f"sched.max_steps must be a non-negative number of steps (or -1: no scheduler), "
                f"got {max_steps}"
            )
        return max_steps
    if config.get("t_max_epochs") is None:
        logging.warning(
            "Neither `max_steps` nor `t_max_epochs` is known for the scheduler (no trainer with "
            "max_steps or max_epochs?): the scheduler is not created. Set sched.max_steps, or "
            "pass a trainer with max_steps or max_epochs."
        )
        return None
    if train_dataloader is None:
        logging.warning(
            "The scheduler's max_steps must be computed from max_epochs, which needs the train "
            "dataloader, and there is none: the scheduler is not created. Set up the training "
            "data first, or set trainer.max_steps / sched.max_steps."
        )
        return None
    num_samples, batch_size, drop_last, num_workers = _loader_shape(
        train_dataloader, int(config.get("t_num_workers") or 1)
    )
    limit = config.get("t_limit_train_batches", 1.0)
    max_steps = compute_max_steps(
        max_epochs=int(config["t_max_epochs"]),
        accumulate_grad_batches=int(config.get("t_accumulate_grad_batches") or 1),
        limit_train_batches=limit,
        num_workers=num_workers,
        num_samples=num_samples,
        batch_size=batch_size,
        drop_last=drop_last,
    )
    if max_steps == 0 and int(config["t_max_epochs"]) > 0:
        if limit == 0:
            logging.warning(
                "trainer.limit_train_batches is 0, so there is no training step to schedule: "
                "the scheduler is not created."
            )
            return None
        per_process = math.ceil(num_samples / max(1, num_workers))
        raise ValueError(
            f"the scheduler's max_steps, computed from max_epochs, is 0: each of the "
            f"{max(1, num_workers)} data-parallel processes gets {per_process} of the "
            f"{num_samples} training samples, which with batch_size {batch_size} "
            f"(drop_last={drop_last}), limit_train_batches {limit} and "
            f"accumulate_grad_batches {config.get('t_accumulate_grad_batches') or 1} make no "
            "optimizer step per epoch. Use a smaller batch_size, drop_last=False, a larger "
            "limit_train_batches or more data, or set sched.max_steps."
        )
    return max_steps


def _loader_shape(loader: Any, num_workers: int) -> tuple[int, int, bool, int]:
    """(samples, batch size, drop_last, workers) of a loader; a batch sampler counts batches."""
    batch_size = getattr(loader, "batch_size", None)
    if batch_size is not None:
        try:
            num_samples = len(loader.dataset)
        except TypeError:
            raise ValueError(
                "cannot compute the scheduler's max_steps from max_epochs: the train data set "
                "has no length (an IterableDataset?). Set trainer.max_steps or sched.max_steps."
            ) from None
        return num_samples, int(batch_size), bool(loader.drop_last), num_workers
    micro = getattr(getattr(loader, "batch_sampler", None), "micro_batch_size", None)
    if micro is not None:
        return len(loader.dataset), int(micro), bool(loader.drop_last), num_workers
    try:
        # A batch sampler deals whole batches: this process runs len(loader) of them.
        return len(loader), 1, False, 1
    except TypeError:
        raise ValueError(
            "cannot compute the scheduler's max_steps from max_epochs: the train loader has no "
            "batch_size and no length. Set trainer.max_steps or sched.max_steps."
        ) from None
