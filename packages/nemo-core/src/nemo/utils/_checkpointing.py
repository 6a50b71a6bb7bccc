"""Checkpoints of an experiment: atomic ``.ckpt`` files and the model's ``.nemo`` archive.

Every checkpoint file appears all at once (a temporary file beside it, flushed to disk, then
renamed over it), so a process killed at any moment leaves either the previous checkpoint or the
new one, never a truncated file that a resumed run would pick.

The "last" checkpoint has one fixed name, ``<name>--last.ckpt``, replaced in place. NeMo named
it after the metrics (``<name>--val_loss=0.12-epoch=3-last.ckpt``) and deleted the previous one
after writing the next: a crash in between left two ``*last.ckpt`` files, and NeMo then refused to
resume. Resuming still accepts NeMo's names.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from lightning_fabric.plugins.io.torch_io import TorchCheckpointIO
from pytorch_lightning.callbacks import ModelCheckpoint

from nemo.utils import logging
from nemo.utils._atomic import atomic_output

__all__ = [
    "AtomicCheckpointIO",
    "NeMoModelCheckpoint",
    "configure_checkpointing",
    "use_atomic_checkpoint_io",
]


class AtomicCheckpointIO(TorchCheckpointIO):
    """Lightning's checkpoint writer, made crash-safe for local files.

    Loading passes ``weights_only=False`` unless told otherwise: the checkpoints of a run hold
    its config (OmegaConf objects) and random-number states, which torch's restricted unpickler
    refuses; they are the run's own files.
    """

    def save_checkpoint(
        self, checkpoint: dict[str, Any], path: Any, storage_options: Any | None = None
    ) -> None:
        if storage_options is not None or "://" in str(path):
            super().save_checkpoint(checkpoint, path, storage_options)
            return
        with atomic_output(Path(path)) as out:
            torch.save(checkpoint, out)

    def load_checkpoint(
        self, path: Any, map_location: Any | None = None, weights_only: bool | None = None
    ) -> dict[str, Any]:
        if weights_only is None:
            weights_only = False
        return super().load_checkpoint(path, map_location=map_location, weights_only=weights_only)


class NeMoModelCheckpoint(ModelCheckpoint):
    """ModelCheckpoint that also writes the model as a ``.nemo`` archive.

    :param nemo_path: where the ``.nemo`` goes (``<dirpath>/<prefix><postfix>``).
    :param always_save_nemo: write it at every checkpoint, not only when training ends.
    :param save_best_model: the ``.nemo`` holds the best checkpoint's weights, and the model
        gets them back when training ends.
    :param save_nemo_on_train_end: write it when training ends.
    :param last_name: the fixed name (without ``.ckpt``) of the "last" checkpoint.
    """

    def __init__(
        self,
        *,
        nemo_path: Path,
        always_save_nemo: bool = False,
        save_best_model: bool = False,
        save_nemo_on_train_end: bool = True,
        last_name: str = "last",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.nemo_path = nemo_path
        self.always_save_nemo = always_save_nemo
        self.save_best_model = save_best_model
        self.save_nemo_on_train_end = save_nemo_on_train_end
        self.CHECKPOINT_NAME_LAST = last_name.replace("{", "{{").replace("}", "}}")
        self._nemo_saved_at_step = -1
        self._step_interval = kwargs.get("every_n_train_steps") or 0
        self._step_save_after_validation = False

    def on_train_batch_end(
        self,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        outputs: Any,
        batch: Any,
        batch_idx: int,
    ) -> None:
        """Step checkpoints, except on an epoch's last batch when validation follows it.

        A checkpoint written there, before the epoch's validation, resumes into the next epoch
        and that validation never runs (Lightning's restart rules): the resumed run would differ
        from an uninterrupted one. That checkpoint is written when the epoch ends instead.
        """
        due = self._step_interval > 0 and trainer.global_step % self._step_interval == 0
        if due and _validation_follows(trainer):
            self._step_save_after_validation = True
            return
        super().on_train_batch_end(trainer, pl_module, outputs, batch, batch_idx)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        super().on_train_epoch_end(trainer, pl_module)
        if self._step_save_after_validation:
            self._step_save_after_validation = False
            if not self._should_skip_saving_checkpoint(trainer):
                candidates = self._monitor_candidates(trainer)
                self._save_topk_checkpoint(trainer, candidates)
                self._save_last_checkpoint(trainer, candidates)

    def _save_checkpoint(self, trainer: pl.Trainer, filepath: str) -> None:
        super()._save_checkpoint(trainer, filepath)
        if self.always_save_nemo and trainer.global_step != self._nemo_saved_at_step:
            self._nemo_saved_at_step = trainer.global_step
            self._save_nemo(trainer, trainer.lightning_module, best=self.save_best_model)

    def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        super().on_train_end(trainer, pl_module)
        if getattr(trainer, "fast_dev_run", False):
            return
        if self.save_best_model and self.best_model_path:
            _load_weights(pl_module, self.best_model_path)
        if self.save_nemo_on_train_end:
            self._save_nemo(trainer, pl_module, best=False)

    def _save_nemo(self, trainer: pl.Trainer, pl_module: Any, *, best: bool) -> None:
        if not trainer.is_global_zero:
            return
        if not hasattr(pl_module, "save_to"):
            logging.warning(
                "%s is not a NeMo model (no save_to): no %s written",
                type(pl_module).__name__,
                self.nemo_path,
            )
            return
        if not best or not self.best_model_path or not Path(self.best_model_path).is_file():
            pl_module.save_to(self.nemo_path)
            return
        current = copy.deepcopy(pl_module.state_dict())
        try:
            _load_weights(pl_module, self.best_model_path)
            pl_module.save_to(self.nemo_path)
        finally:
            pl_module.load_state_dict(current)


def _validation_follows(trainer: pl.Trainer) -> bool:
    """Whether the batch just trained is its epoch's last and an end-of-epoch validation runs."""
    if not trainer.fit_loop.epoch_loop.batch_progress.is_last_batch:
        return False
    val_batches = trainer.num_val_batches
    total = sum(val_batches) if isinstance(val_batches, list) else val_batches
    every = trainer.check_val_every_n_epoch
    return bool(trainer.enable_validation and total) and (
        every is None or (trainer.current_epoch + 1) % every == 0
    )


def _load_weights(pl_module: Any, checkpoint_path: str) -> None:
    checkpoint = torch.load(checkpoint_path, map_location="cpu", weights_only=False)
    pl_module.load_state_dict(checkpoint["state_dict"])


def configure_checkpointing(
    trainer: pl.Trainer, log_dir: Path, name: str, params: Any
) -> NeMoModelCheckpoint:
    """Build the experiment's checkpoint callback and add it to ``trainer``."""
    options = dict(params)
    filepath = options.pop("filepath", None)
    if filepath:
        logging.warning(
            "checkpoint_callback_params.filepath is deprecated: it is split into dirpath and "
            "filename; give those instead"
        )
        options["dirpath"] = str(Path(filepath).parent)
        options["filename"] = Path(filepath).name
    period = options.pop("period", None)
    if period is not None:
        logging.warning("checkpoint_callback_params.period is deprecated: use every_n_epochs")
        options["every_n_epochs"] = period
    if options.get("every_n_train_steps"):
        options["every_n_epochs"] = None  # Lightning refuses both; steps were asked explicitly
    dirpath = Path(options.pop("dirpath", None) or log_dir / "checkpoints")
    monitor = options.get("monitor")
    if not options.get("filename"):
        options["filename"] = (
            f"{name}--{{{monitor}:.2f}}-{{epoch}}" if monitor else f"{name}--{{epoch}}-{{step}}"
        )
    prefix = options.pop("prefix", None) or name
    postfix = options.pop("postfix", ".nemo")
    _warn_if_monitor_never_available(trainer, monitor)
    callback = NeMoModelCheckpoint(
        dirpath=str(dirpath),
        nemo_path=dirpath / f"{prefix}{postfix}",
        last_name=f"{name}--last",
        **options,
    )
    trainer.callbacks.append(callback)  # type: ignore[attr-defined]
    return callback


def _warn_if_monitor_never_available(trainer: pl.Trainer, monitor: str | None) -> None:
    if not monitor or "val" not in monitor:
        return
    every = trainer.check_val_every_n_epoch
    if trainer.max_epochs is not None and every is not None and trainer.max_epochs < every:
        logging.warning(
            "The checkpoint callback monitors %r, a validation metric, but validation runs every "
            "%d epochs and training stops after %d: no top-k checkpoint will be saved",
            monitor,
            every,
            trainer.max_epochs,
        )


def use_atomic_checkpoint_io(trainer: pl.Trainer) -> None:
    """Make the trainer write checkpoints with :class:`AtomicCheckpointIO`."""
    strategy = trainer.strategy
    current = strategy.checkpoint_io
    if type(current) is TorchCheckpointIO:
        strategy.checkpoint_io = AtomicCheckpointIO()
    elif not isinstance(current, AtomicCheckpointIO):
        logging.warning(
            "The trainer uses its own CheckpointIO (%s): checkpoints are crash-safe only if it "
            "writes them atomically",
            type(current).__name__,
        )
