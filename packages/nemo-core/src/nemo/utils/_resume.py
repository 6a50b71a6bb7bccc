"""Resuming a run: which checkpoint, and the state Lightning does not save by itself.

Lightning 2 removed ``Trainer(resume_from_checkpoint=...)``. exp_manager sets
``trainer.ckpt_path`` instead, which ``trainer.fit(model)`` loads when the script passes no
``ckpt_path`` (Lightning's ``_CheckpointConnector._select_ckpt_path``): scripts written for NeMo
resume without a change. What a resumed run restores:

* from Lightning's checkpoint: weights, optimizer and scheduler states, global step, epoch and
  the loops' progress, callback states (best checkpoints, early-stopping counters), and the
  position in the epoch of a train loader that saves it (see
  :class:`~nemo.utils.resumable_loader.ResumableDataLoader`);
* from :class:`ResumeCallback`'s state: the random number generators of python, numpy and torch
  (CPU and CUDA) of every rank, as they were when the checkpoint was written.

Global rank 0 picks the checkpoint; processes Lightning starts later inherit its choice through
the environment, and before any state is loaded every rank checks it loads the very file rank 0
loads.

What is guaranteed: a run interrupted at any moment (SIGKILL included) and started again with the
same command ends with the same weights as an uninterrupted one, bit for bit on CPU with
``Trainer(deterministic=True)`` and a seeded script, when

* the train loader is a :class:`~nemo.utils.resumable_loader.ResumableDataLoader` (or any loader
  whose ``state_dict``/``load_state_dict`` restore its position); with a plain shuffling
  DataLoader a resume from an epoch's end is still exact (its order comes from the restored
  global generator) but a resume mid-epoch starts that epoch over in a new order;
* data loading draws random numbers in the training process itself (``num_workers=0``), where
  the saved generator states are those after the last batch trained on (nemo-asr's augmentation
  draws from python's generator there), or not at all: what DataLoader workers draw is not
  saved, so with workers a mid-epoch resume perturbs the rest of that epoch differently;
* ``limit_train_batches`` is not used;
* the trainer and exp_manager settings are the same (the same command).

Work done after the last checkpoint is redone: checkpoint with ``every_n_train_steps`` to lose
less of it. A checkpoint due on an epoch's last batch is written after that epoch's validation
(see :class:`~nemo.utils._checkpointing.NeMoModelCheckpoint`).
"""

from __future__ import annotations

import contextlib
import random
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from pytorch_lightning.callbacks import Callback

from nemo.utils import logging
from nemo.utils._atomic import PARTIAL_SUFFIX
from nemo.utils._exp_dirs import inherited, share
from nemo.utils.exceptions import NotFoundError

__all__ = [
    "NEMO_ENV_VARNAME_RESUME",
    "ResumeCallback",
    "choose_resume_checkpoint",
    "find_resume_checkpoint",
    "move_previous_run_files",
]

NEMO_ENV_VARNAME_RESUME = "NEMO_EXPM_RESUME_CHECKPOINT"
_PARTIAL_GLOB = f".*{PARTIAL_SUFFIX}"  # left by an interrupted atomic write (AtomicCheckpointIO)


def choose_resume_checkpoint(
    log_dir: Path, cfg: Any, *, is_global_zero: bool, world_size: int
) -> Path | None:
    """The checkpoint this process resumes from (``None``: start from scratch).

    Rank 0 looks in ``<log_dir>/checkpoints`` and exports its choice; other ranks take the
    exported choice when they have it (they were started by rank 0's launcher), and otherwise
    look for themselves (the check in :meth:`ResumeCallback.setup` catches a disagreement).
    """
    if not is_global_zero:
        exported = inherited(NEMO_ENV_VARNAME_RESUME)
        if exported is not None:
            return Path(exported) if exported else None
    checkpoint_dir = log_dir / "checkpoints"
    if is_global_zero:
        _remove_partial_writes(checkpoint_dir)
    chosen = find_resume_checkpoint(
        checkpoint_dir,
        resume_past_end=cfg.resume_past_end,
        ignore_no_checkpoint=cfg.resume_ignore_no_checkpoint,
    )
    if is_global_zero:
        if world_size > 1:
            share(NEMO_ENV_VARNAME_RESUME, "" if chosen is None else str(chosen))
        if chosen is not None:
            move_previous_run_files(log_dir)
    return chosen


def find_resume_checkpoint(
    checkpoint_dir: Path, *, resume_past_end: bool, ignore_no_checkpoint: bool
) -> Path | None:
    """NeMo's rule: the one ``*last.ckpt`` (or ``*end.ckpt`` of a finished run) in the folder.

    :raises NotFoundError: no folder or no ``*last.ckpt`` (unless ``ignore_no_checkpoint``).
    :raises ValueError: the run already ended (unless ``resume_past_end``), the choice is
        ambiguous, or the chosen file is not a complete checkpoint.
    """
    how_to_start = (
        "set exp_manager.resume_ignore_no_checkpoint=True to start from scratch when there is "
        "nothing to resume, or point exp_manager (exp_dir, name, version or explicit_log_dir) "
        "at the run to resume"
    )
    if not checkpoint_dir.is_dir():
        if ignore_no_checkpoint:
            logging.warning(
                "There was no checkpoint folder at checkpoint_dir :%s. Training from scratch.",
                checkpoint_dir,
            )
            return None
        raise NotFoundError(
            f"There was no checkpoint folder at checkpoint_dir :{checkpoint_dir}. Cannot resume: "
            f"{how_to_start}."
        )
    end_checkpoints = sorted(checkpoint_dir.rglob("*end.ckpt"))
    last_checkpoints = sorted(checkpoint_dir.rglob("*last.ckpt"))
    if end_checkpoints:
        if not resume_past_end:
            raise ValueError(
                f"Found {_listing(end_checkpoints)} indicating that the last training run has "
                "already completed. Set exp_manager.resume_past_end=True to train further from "
                "it, or use a new exp_manager.version (or name) for a new run."
            )
        if len(end_checkpoints) > 1:
            raise ValueError(
                f"Multiple end checkpoints {_listing(end_checkpoints)} were found: keep the one "
                "to resume from and delete the others, or pass "
                "exp_manager.resume_from_checkpoint=<path>."
            )
        # NeMo quirk 7 (with exactly one end checkpoint it resumed from the string "None"):
        # fixed, the end checkpoint is resumed from.
        chosen = end_checkpoints[0]
    elif not last_checkpoints:
        if ignore_no_checkpoint:
            logging.warning(
                "There were no checkpoints found in %s. Training from scratch.", checkpoint_dir
            )
            return None
        raise NotFoundError(
            f"There were no checkpoints found in {checkpoint_dir} (no *last.ckpt). Cannot "
            f"resume: {how_to_start}."
        )
    elif len(last_checkpoints) > 1:
        raise ValueError(
            f"Multiple checkpoints {_listing(last_checkpoints)} match *last.ckpt: keep the one to "
            "resume from and delete the others, or pass exp_manager.resume_from_checkpoint=<path>."
        )
    else:
        chosen = last_checkpoints[0]
    check_complete(chosen)
    logging.info("Resuming from %s", chosen)
    return chosen


def check_complete(checkpoint: Path) -> None:
    """Refuse a truncated or corrupt checkpoint file (``torch.save`` writes a zip archive)."""
    if not checkpoint.is_file():
        raise NotFoundError(f"The checkpoint to resume from, {checkpoint}, does not exist.")
    if not zipfile.is_zipfile(checkpoint):
        raise ValueError(
            f"{checkpoint} is not a complete checkpoint (it is not the zip archive torch.save "
            "writes: truncated or corrupt). Delete it, and resume from another one with "
            "exp_manager.resume_from_checkpoint=<path> if you have one."
        )


def _listing(paths: list[Path]) -> str:
    return ", ".join(str(p) for p in paths)


def _remove_partial_writes(checkpoint_dir: Path) -> None:
    """Temporary files of writes interrupted by a crash: never a checkpoint, safe to delete."""
    if not checkpoint_dir.is_dir():
        return
    for partial in checkpoint_dir.rglob(_PARTIAL_GLOB):
        logging.info("Removing %s, left by an interrupted checkpoint write", partial)
        with contextlib.suppress(OSError):
            partial.unlink()


def move_previous_run_files(log_dir: Path) -> None:
    """Move the files of the previous run (logs, cmd-args…) into ``run_<k>``, as NeMo does."""
    files = [path for path in log_dir.iterdir() if path.is_file()]
    if not files:
        return
    run_count = sum(1 for path in log_dir.glob("run_*") if path.is_dir())
    new_run_dir = log_dir / f"run_{run_count}"
    new_run_dir.mkdir()
    for path in files:
        shutil.move(str(path), str(new_run_dir / path.name))


class ResumeCallback(Callback):
    """Saves every rank's random-number states, restores them on resume, checks the ranks agree.

    Added by exp_manager to every run. Its ``state_dict`` is taken on every rank when a
    checkpoint is written (Lightning builds the checkpoint on all ranks and rank 0 writes it),
    so each rank's generators are gathered into the checkpoint; a resumed rank restores its own.
    """

    def __init__(self, resume_checkpoint: Path | None = None) -> None:
        self.resume_checkpoint = resume_checkpoint
        self._trainer: pl.Trainer | None = None

    @property
    def state_key(self) -> str:
        return "NeMoResumeState"  # stable across renames of this class

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        self._trainer = trainer
        if stage == "fit":
            self._check_ranks_agree(trainer)

    def _check_ranks_agree(self, trainer: pl.Trainer) -> None:
        if trainer.world_size <= 1 or not _distributed():
            return
        mine = "" if self.resume_checkpoint is None else str(self.resume_checkpoint)
        chosen = [mine]
        torch.distributed.broadcast_object_list(chosen, src=0)
        if chosen[0] != mine:
            raise RuntimeError(
                f"Global rank {trainer.global_rank} would resume from {mine or 'nothing'} but "
                f"rank 0 from {chosen[0] or 'nothing'}: the processes see different files. Put "
                "the experiment directory on a file system every process shares, or pass "
                "exp_manager.resume_from_checkpoint=<path>."
            )

    def state_dict(self) -> dict[str, Any]:
        states = [_rng_states()]
        trainer = self._trainer
        if trainer is not None and trainer.world_size > 1 and _distributed():
            gathered: list[Any] = [None] * trainer.world_size
            torch.distributed.all_gather_object(gathered, states[0])
            states = gathered
        return {"rng_states": states}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        states = state_dict.get("rng_states") or []
        if not states:
            return
        rank = 0 if self._trainer is None else self._trainer.global_rank
        if len(states) <= rank:
            logging.warning(
                "The checkpoint holds random-number states of %d processes, this run has more: "
                "rank %d restores rank 0's; the run will not repeat the interrupted one exactly.",
                len(states),
                rank,
            )
            rank = 0
        _set_rng_states(states[rank])

    def on_fit_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        # trainer.ckpt_path stays "user managed" once set: a later trainer.test(model) would
        # load the checkpoint this run resumed from instead of testing the trained weights.
        if self.resume_checkpoint is not None and trainer.ckpt_path is not None:
            trainer.ckpt_path = None


def _distributed() -> bool:
    return torch.distributed.is_available() and torch.distributed.is_initialized()


def _numpy() -> Any:
    """numpy when installed (a dependency of Lightning's, not of nemo-core's), else ``None``."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def _rng_states() -> dict[str, Any]:
    states: dict[str, Any] = {"python": random.getstate(), "torch": torch.get_rng_state()}
    numpy = _numpy()
    if numpy is not None:
        states["numpy"] = numpy.random.get_state()
    if torch.cuda.is_available() and torch.cuda.is_initialized():  # type: ignore[no-untyped-call]
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def _set_rng_states(states: dict[str, Any]) -> None:
    random.setstate(states["python"])
    torch.set_rng_state(states["torch"])
    numpy = _numpy()
    if numpy is not None and "numpy" in states:
        numpy.random.set_state(states["numpy"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])
