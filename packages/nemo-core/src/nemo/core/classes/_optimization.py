"""From a model's ``optim`` config to its optimizer and learning-rate scheduler.

:class:`OptimizationMixin` is what ``ModelPT`` uses; any ``LightningModule`` can inherit it (put
it *before* ``LightningModule`` in the bases, so that its ``configure_optimizers`` wins). It
reads ``self._cfg`` (its ``optim`` section), ``self._trainer`` and ``self._train_dl``, and sets
``self._optimizer`` and ``self._scheduler``.

The ``optim`` section, as in NeMo::

    optim:
      name: novograd          # a registered optimizer (default: adam), or _target_: a class path
      lr: 0.01
      betas: [0.8, 0.5]       # optimizer arguments as extra keys, or under `args` (name: auto …)
      weight_decay: 0.001
      sched:
        name: CosineAnnealing # a registered scheduler
        warmup_ratio: 0.05    # scheduler arguments; max_steps is filled in from the trainer
        min_lr: 1e-5
        monitor: val_loss     # for ReduceLROnPlateau; interval / frequency as in Lightning

Ported to Lightning 2: ``trainer.max_steps == -1`` means "not set", and the number of
data-parallel processes that share an epoch is ``trainer.world_size`` (NeMo 1.0 derived it from
the distributed backend: gpus x nodes for ddp, processes x nodes for ddp_cpu, gpus for dp).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, cast

from nemo.core.optim.lr_scheduler import prepare_lr_scheduler
from nemo.core.optim.optimizers import build_optimizer
from nemo.utils import logging
from nemo.utils.model_utils import as_dictconfig, plain_dict

if TYPE_CHECKING:
    import torch

__all__ = ["OptimizationMixin"]


class OptimizationMixin:
    """``setup_optimization`` and ``configure_optimizers`` for NeMo models."""

    _cfg: Any
    _trainer: Any
    _train_dl: Any
    _optimizer: Any
    _scheduler: Any
    _optimizer_param_groups: Any

    def setup_optimizer_param_groups(self) -> None:
        """Set ``self._optimizer_param_groups``: all parameters in one group by default.

        Override to give parts of the model their own learning rate or weight decay; each group
        is a dict as ``torch.optim.Optimizer`` takes them.
        """
        module = cast("torch.nn.Module", self)
        self._optimizer_param_groups = [{"params": list(module.parameters())}]

    def setup_optimization(self, optim_config: Any = None) -> tuple[Any, Any]:
        """Build ``self._optimizer`` and ``self._scheduler`` from ``optim_config``.

        Without an argument, ``self._cfg.optim`` is used; with one (DictConfig, dict or
        dataclass) it replaces ``self._cfg.optim`` when the config has that key, so that the
        saved config matches the training. Returns ``(optimizer, scheduler_dict)``; both are
        ``None`` without an optim config, and the scheduler is ``None`` without ``sched``.
        """
        optim = self._optim_section(optim_config)
        if optim is None:
            logging.info("No optimizer config provided, therefore no optimizer was created")
            return None, None
        if getattr(self, "_trainer", None) is None:
            logging.warning(
                "Trainer wasn't specified in model constructor. Make sure that you really "
                "wanted it."
            )
        sched = optim.pop("sched", None)
        if sched is not None and getattr(self, "_trainer", None) is not None:
            sched = self._with_run_length(dict(sched))

        self.setup_optimizer_param_groups()
        self._optimizer = build_optimizer(optim, self._optimizer_param_groups)
        self._scheduler = prepare_lr_scheduler(
            self._optimizer, sched, train_dataloader=getattr(self, "_train_dl", None)
        )
        return self._optimizer, self._scheduler

    def configure_optimizers(self) -> Any:
        """Lightning's hook: the optimizer alone, or ``([optimizer], [scheduler_dict])``."""
        self.setup_optimization()
        if self._scheduler is None:
            return self._optimizer
        return [self._optimizer], [self._scheduler]

    # -- helpers -------------------------------------------------------------------------------

    def _optim_section(self, optim_config: Any) -> dict[str, Any] | None:
        """The optim config as a plain resolved dict, recorded in ``self._cfg.optim``."""
        from omegaconf import DictConfig, open_dict

        cfg = getattr(self, "_cfg", None)
        model_cfg = cfg if isinstance(cfg, DictConfig) and "optim" in cfg else None
        if optim_config is None:
            optim_config = None if model_cfg is None else model_cfg.optim
            if optim_config is None:
                return None
        else:
            optim_config = as_dictconfig(optim_config, what="the optim config")
            if model_cfg is not None:
                with open_dict(model_cfg):
                    model_cfg.optim = copy.deepcopy(optim_config)
        return plain_dict(optim_config, what="the optim config")

    def _with_run_length(self, sched: dict[str, Any]) -> dict[str, Any]:
        """Add what ``prepare_lr_scheduler`` needs to know the run's length in steps."""
        trainer = self._trainer
        accumulate = trainer.accumulate_grad_batches
        if not isinstance(accumulate, int):
            raise ValueError(
                f"trainer.accumulate_grad_batches must be an int to compute the scheduler's "
                f"max_steps, got {accumulate!r}"
            )
        max_steps = trainer.max_steps
        if max_steps is not None and max_steps >= 0:
            sched["max_steps"] = max_steps
            return sched
        max_epochs = trainer.max_epochs
        if max_epochs is None or max_epochs < 0:
            logging.warning(
                "The trainer sets neither max_steps nor max_epochs (max_epochs=-1 trains "
                "forever), so the scheduler's max_steps cannot be computed; set "
                "trainer.max_steps or optim.sched.max_steps."
            )
            return sched
        sched["t_max_epochs"] = max_epochs
        sched["t_accumulate_grad_batches"] = accumulate
        sched["t_limit_train_batches"] = trainer.limit_train_batches
        # Each data-parallel process sees 1/world_size of every epoch.
        sched["t_num_workers"] = max(1, int(trainer.world_size))
        return sched
