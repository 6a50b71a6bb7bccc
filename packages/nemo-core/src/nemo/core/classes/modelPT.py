"""ModelPT: a NeMo model is a LightningModule built from one config, saved as one archive.

The config holds everything needed to rebuild the model (modules, data sets, optimization), so
``save_to`` writes it with the weights into a ``.nemo`` archive and ``restore_from`` rebuilds the
same model anywhere. Data loaders, optimizers and schedulers are set up from sections of the
same config (``train_ds``, ``validation_ds``, ``test_ds``, ``optim``).
"""

from __future__ import annotations

import copy
import warnings
from abc import abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, NamedTuple, Self, overload

import pytorch_lightning as pl
import torch
from omegaconf import DictConfig, OmegaConf, open_dict

from nemo.core.classes import _multi_data
from nemo.core.classes._artifacts import register_artifact as _register_artifact
from nemo.core.classes._optimization import OptimizationMixin
from nemo.core.classes._restore_state import (
    RestoreContext,
    is_being_restored,
    restored_instance,
    restoring,
)
from nemo.core.classes.common import Model
from nemo.utils import logging
from nemo.utils.model_utils import convert_model_config_to_dict_config

__all__ = ["ModelPT"]


class _Stage(NamedTuple):
    """Where ModelPT keeps one evaluation stage's loaders, names and hooks (NeMo's names)."""

    loaders: str  # attribute holding the loader, or the list of loaders
    names: str  # attribute holding the loaders' metric prefixes (None: one loader, no prefix)
    index_key: str  # data set config key naming the loader whose metrics are logged unprefixed
    prefix: str  # of the default loader names, and of the loss key (``val_loss``)
    setup: str  # the method that builds one loader from a data set config
    reduce: str  # the method that reduces one loader's step outputs at the epoch's end


_STAGES = {
    "validation": _Stage(
        "_validation_dl",
        "_validation_names",
        "val_dl_idx",
        "val",
        "setup_validation_data",
        "multi_validation_epoch_end",
    ),
    "test": _Stage(
        "_test_dl", "_test_names", "test_dl_idx", "test", "setup_test_data", "multi_test_epoch_end"
    ),
}


class ModelPT(OptimizationMixin, pl.LightningModule, Model):
    """Base of every NeMo model.

    Subclasses build their modules from ``cfg`` in ``__init__`` (after calling
    ``super().__init__(cfg, trainer)``) and implement :meth:`setup_training_data` and
    :meth:`setup_validation_data`. ``validation_step``/``test_step`` return a dict per batch;
    at the end of the epoch the dicts of each loader are handed to
    :meth:`multi_validation_epoch_end` / :meth:`multi_test_epoch_end`, whose ``log`` entry is
    logged (prefixed by the loader's name when there are several loaders).
    """

    def __init__(self, cfg: Any, trainer: pl.Trainer | None = None) -> None:
        if trainer is not None and not isinstance(trainer, pl.Trainer):
            raise ValueError(
                f"trainer must be a pytorch_lightning.Trainer or None, got "
                f"{type(trainer).__name__}; pass trainer=pl.Trainer(...) or leave it out"
            )
        cfg = convert_model_config_to_dict_config(cfg, what=f"{type(self).__name__} config")
        if "target" not in cfg:
            cfg.target = f"{type(self).__module__}.{type(self).__qualname__}"
        OmegaConf.set_struct(cfg, True)
        super().__init__()
        self._cfg: DictConfig = cfg
        self.save_hyperparameters(_plain_hparams(cfg))
        self._train_dl: Any = None
        self._validation_dl: Any = None
        self._test_dl: Any = None
        self._optimizer: Any = None
        self._scheduler: Any = None
        self._validation_names: list[str] | None = None
        self._test_names: list[str] | None = None
        self._val_dl_idx = 0
        self._test_dl_idx = 0
        self._step_outputs: dict[str, dict[int, list[Any]]] = {stage: {} for stage in _STAGES}
        self._trainer = trainer
        self.world_size = 1 if trainer is None else trainer.world_size
        if is_being_restored():
            return  # data sets belong to the training run that saved the model, not this one
        if cfg.get("train_ds") is not None:
            self.setup_training_data(cfg.train_ds)
        if cfg.get("validation_ds") is not None:
            self.setup_multiple_validation_data(val_data_config=None)
        if cfg.get("test_ds") is not None:
            self.setup_multiple_test_data(test_data_config=None)

    @staticmethod
    def _is_model_being_restored() -> bool:
        """True inside ``restore_from``: weights will come from the archive, so a subclass
        builds its modules from the config alone (no checkpoint or data directory is read)."""
        return is_being_restored()

    # -- config ----------------------------------------------------------------------------

    @property
    def cfg(self) -> DictConfig:
        """The model's config: resolved, in struct mode, with its data and optim sections."""
        return self._cfg

    @cfg.setter
    def cfg(self, cfg: DictConfig) -> None:
        self._cfg = cfg
        hparams = _plain_hparams(cfg)
        self._set_hparams(hparams)
        initial: Any = getattr(self, "_hparams_initial", None)
        if initial is not None and "cfg" in initial:
            initial["cfg"] = copy.deepcopy(hparams["cfg"])

    @property
    def num_weights(self) -> int:
        """The number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def summarize(self, max_depth: int = 1) -> Any:
        """A Lightning ``ModelSummary`` of the model, ``max_depth`` levels of modules deep."""
        from pytorch_lightning.utilities.model_summary.model_summary import ModelSummary

        summary = ModelSummary(self, max_depth=max_depth)
        logging.info("\n%s", summary)
        return summary

    # -- data ------------------------------------------------------------------------------

    @abstractmethod
    def setup_training_data(self, train_data_config: DictConfig | dict[str, Any]) -> None:
        """Build ``self._train_dl`` from a ``train_ds`` config."""

    @abstractmethod
    def setup_validation_data(self, val_data_config: DictConfig | dict[str, Any]) -> None:
        """Build ``self._validation_dl`` from a ``validation_ds`` config."""

    def setup_test_data(self, test_data_config: DictConfig | dict[str, Any]) -> None:
        """Build ``self._test_dl`` from a ``test_ds`` config."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement setup_test_data; implement it to test"
        )

    def setup_multiple_validation_data(self, val_data_config: Any = None) -> None:
        """Build one validation loader per data set named in ``validation_ds``."""
        self._setup_multiple("validation", val_data_config)

    def setup_multiple_test_data(self, test_data_config: Any = None) -> None:
        """Build one test loader per data set named in ``test_ds``."""
        self._setup_multiple("test", test_data_config)

    def train_dataloader(self) -> Any:
        if self._train_dl is None:
            raise RuntimeError(
                f"{type(self).__name__} has no training data: set model.train_ds in the config, "
                "or call setup_training_data(config) before trainer.fit"
            )
        return self._train_dl

    def val_dataloader(self) -> Any:
        # Lightning 2 refuses None; an empty list means "no validation".
        return [] if self._validation_dl is None else self._validation_dl

    def test_dataloader(self) -> Any:
        return [] if self._test_dl is None else self._test_dl

    def get_validation_dataloader_prefix(self, dataloader_idx: int = 0) -> str:
        return self._loader_names("validation")[dataloader_idx]

    def get_test_dataloader_prefix(self, dataloader_idx: int = 0) -> str:
        return self._loader_names("test")[dataloader_idx]

    def _update_dataset_config(self, dataset_name: str, config: Any) -> None:
        """Write a data set's config back into the model config, so it is saved with it."""
        if dataset_name not in ("train", "validation", "test"):
            raise ValueError(
                f"dataset_name must be 'train', 'validation' or 'test', got {dataset_name!r}"
            )
        if self._multiple_mode(dataset_name):
            return  # the config lists several data sets; keep it as the user wrote it
        if config is not None and not isinstance(config, DictConfig):
            config = OmegaConf.create(config)
        with open_dict(self._cfg):
            self._cfg[f"{dataset_name}_ds"] = config
        self.cfg = self._cfg

    def _multiple_mode(self, stage: str) -> bool:
        names = getattr(self, _STAGES[stage].names) if stage in _STAGES else None
        return names is not None and len(names) > 1

    def _setup_multiple(self, stage: str, config: Any) -> None:
        spec = _STAGES[stage]
        key = f"{stage}_ds"
        setup = getattr(self, spec.setup)
        setattr(self, spec.names, None)
        setattr(self, spec.loaders, None)
        if config is not None:
            with open_dict(self._cfg):
                self._cfg[key] = (
                    config if isinstance(config, DictConfig) else OmegaConf.create(config)
                )
        ds_config = self._cfg.get(key)
        if ds_config is None:
            return
        ds_config = copy.deepcopy(ds_config)
        with open_dict(ds_config):
            index = ds_config.pop(spec.index_key, 0)
        setattr(self, f"_{spec.index_key}", int(index or 0))
        data_key = _multi_data.find_data_key(ds_config)
        value = None if data_key is None else ds_config[data_key]
        if data_key is None or not OmegaConf.is_list(value):
            setup(ds_config)
            if data_key is not None:
                setattr(self, spec.names, [_multi_data.parse_dataset_as_name(value)])
            return
        loaders, names = [], []
        for item in value or ():
            single = copy.deepcopy(ds_config)
            with open_dict(single):
                single[data_key] = item
            setup(single)
            loaders.append(getattr(self, spec.loaders))
            names.append(_multi_data.parse_dataset_as_name(item))
        if len(set(names)) != len(names):
            warnings.warn(
                f"{key}: several data sets share a name ({names}); their metrics will collide",
                UserWarning,
                stacklevel=3,
            )
        setattr(self, spec.loaders, loaders)
        setattr(self, spec.names, names)

    def _loader_names(self, stage: str) -> list[str]:
        spec = _STAGES[stage]
        names: list[str] | None = getattr(self, spec.names)
        if names is not None:
            return names
        loaders = getattr(self, spec.loaders)
        count = len(loaders) if isinstance(loaders, (list, tuple)) else 1
        return [f"{spec.prefix}_{i}_" for i in range(count)]

    # -- steps and epoch ends ----------------------------------------------------------------

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        """Log the ``log`` dict a ``training_step`` may return, as NeMo models do."""
        if isinstance(outputs, dict) and isinstance(outputs.get("log"), dict):
            self.log_dict(outputs["log"], on_step=True, on_epoch=False)

    def on_validation_batch_end(
        self, outputs: Any, batch: Any, batch_idx: int, dataloader_idx: int = 0
    ) -> None:
        self._collect("validation", outputs, dataloader_idx)

    def on_test_batch_end(
        self, outputs: Any, batch: Any, batch_idx: int, dataloader_idx: int = 0
    ) -> None:
        self._collect("test", outputs, dataloader_idx)

    def on_validation_epoch_end(self) -> None:
        self._epoch_end("validation")

    def on_test_epoch_end(self) -> None:
        self._epoch_end("test")

    def multi_validation_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any] | None:
        """Reduce one validation loader's step outputs; return ``{'val_loss', 'log': {...}}``."""
        logging.warning(
            "%s does not implement multi_validation_epoch_end: validation metrics are not logged",
            type(self).__name__,
        )
        return None

    def multi_test_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any] | None:
        """Reduce one test loader's step outputs; return ``{'test_loss', 'log': {...}}``."""
        logging.warning(
            "%s does not implement multi_test_epoch_end: test metrics are not logged",
            type(self).__name__,
        )
        return None

    def _collect(self, stage: str, outputs: Any, dataloader_idx: int) -> None:
        if outputs is not None:
            self._step_outputs[stage].setdefault(dataloader_idx, []).append(outputs)

    def _epoch_end(self, stage: str) -> None:
        collected = self._step_outputs[stage]
        self._step_outputs[stage] = {}
        if not collected:
            return
        loaders = getattr(self, _STAGES[stage].loaders)
        several = isinstance(loaders, (list, tuple)) and len(loaders) > 1
        count = len(loaders) if several else 1
        if several:
            outputs: list[Any] = [collected.get(index, []) for index in range(count)]
        else:
            outputs = collected.get(0, [])
        self._combine_loaders(stage, outputs)

    def _combine_loaders(self, stage: str, outputs: list[Any]) -> dict[str, Any]:
        """NeMo's epoch-end rules: one loader's result logged as is; several, with prefixes.

        (Lightning 2 removed ``validation_epoch_end``; the hooks above collect the step outputs
        that Lightning 1 passed to it, so models keep NeMo's ``multi_*_epoch_end`` contract.)
        """
        if not outputs:
            return {}
        spec = _STAGES[stage]
        reduce = getattr(self, spec.reduce)
        if isinstance(outputs[0], dict) or not isinstance(outputs[0], list):
            result = dict(reduce(outputs, dataloader_idx=0) or {})
            log = result.pop("log", None)
            if log:
                self.log_dict(log, on_epoch=True, sync_dist=True)
            return result
        loss_key = f"{spec.prefix}_loss"
        main_index = getattr(self, f"_{spec.index_key}")
        names = self._loader_names(stage)
        combined: dict[str, Any] = {}
        logged: dict[str, Any] = {}
        for index, loader_outputs in enumerate(outputs):
            result = dict(reduce(loader_outputs, dataloader_idx=index) or {})
            prefix = names[index]
            if index == main_index and loss_key in result:
                combined[loss_key] = result[loss_key]
            for key, value in (result.pop("log", None) or {}).items():
                logged[prefix + key] = value
                if index == main_index:
                    logged.setdefault(key, value)
            for key, value in result.items():
                combined[prefix + key] = value
        if logged:
            self.log_dict(logged, on_epoch=True, sync_dist=True)
        return combined

    # -- trainer -------------------------------------------------------------------------------

    def set_trainer(self, trainer: pl.Trainer) -> None:
        """Attach ``trainer`` (e.g. a single-device trainer for testing after training)."""
        self._trainer = trainer
        self.set_world_size(trainer)

    def set_world_size(self, trainer: pl.Trainer) -> None:
        self.world_size = trainer.world_size

    def prepare_test(self, trainer: pl.Trainer) -> bool:
        """Whether ``trainer.test(model)`` can run: needs a ``test_ds`` and one process.

        Testing with several processes would evaluate on a distributed sampler that pads the
        data set, so the numbers would not be exact.
        """
        if self._cfg.get("test_ds") is None:
            logging.info("no test_ds in the model config: nothing to test")
            return False
        if trainer.world_size > 1:
            logging.warning(
                "test with one device (trainer devices=1, num_nodes=1): with %d processes the "
                "distributed sampler repeats samples and the metrics would be off",
                trainer.world_size,
            )
            return False
        self.set_trainer(trainer)
        return True

    # -- artifacts and archives ----------------------------------------------------------------

    def register_artifact(
        self, config_path: str, src: str | Path | None, verify_src_exists: bool = True
    ) -> str | None:
        """Register a file the model needs, at config key ``config_path``; return its path.

        Call it in the constructor: ``save_to`` copies the file into the archive, and a restored
        model gets a path to the copy. The path is only guaranteed to exist while the
        constructor runs.
        """
        return _register_artifact(self, config_path, src, verify_src_exists)

    @property
    def save_restore_connector(self) -> Any:
        """What writes and reads this model's archives; replace it to change the format."""
        connector = self.__dict__.get("_save_restore_connector")
        if connector is None:
            from nemo.core.connectors.save_restore_connector import SaveRestoreConnector

            connector = SaveRestoreConnector()
            self.__dict__["_save_restore_connector"] = connector
        return connector

    @save_restore_connector.setter
    def save_restore_connector(self, connector: Any) -> None:
        self.__dict__["_save_restore_connector"] = connector

    def save_to(self, save_path: str | Path) -> None:
        """Write the model (config, weights, artifacts) to a ``.nemo`` archive.

        Only global rank 0 writes; the file appears atomically (a crash leaves no partial file).
        """
        if self._trainer is not None and self._trainer.global_rank != 0:
            return
        self.save_restore_connector.save_to(self, str(save_path))

    @overload
    @classmethod
    def restore_from(
        cls,
        restore_path: str | Path,
        override_config_path: Any = None,
        map_location: Any = None,
        strict: bool = True,
        return_config: Literal[False] = False,
        trainer: pl.Trainer | None = None,
        save_restore_connector: Any = None,
    ) -> Self: ...

    @overload
    @classmethod
    def restore_from(
        cls,
        restore_path: str | Path,
        override_config_path: Any = None,
        map_location: Any = None,
        strict: bool = True,
        *,
        return_config: Literal[True],
        trainer: pl.Trainer | None = None,
        save_restore_connector: Any = None,
    ) -> DictConfig: ...

    @overload
    @classmethod
    def restore_from(
        cls,
        restore_path: str | Path,
        override_config_path: Any = None,
        map_location: Any = None,
        strict: bool = True,
        return_config: bool = False,
        trainer: pl.Trainer | None = None,
        save_restore_connector: Any = None,
    ) -> Self | DictConfig: ...

    @classmethod
    def restore_from(
        cls,
        restore_path: str | Path,
        override_config_path: Any = None,
        map_location: Any = None,
        strict: bool = True,
        return_config: bool = False,
        trainer: pl.Trainer | None = None,
        save_restore_connector: Any = None,
    ) -> Self | DictConfig:
        """Rebuild a model saved with :meth:`save_to` (or by NVIDIA NeMo), as an instance of
        this class (the archive may hold a subclass); with ``return_config``, its config alone.

        Called on ``ModelPT`` itself, the class is taken from the archive's config. The archive
        is read in place and never executes code from it.
        """
        if save_restore_connector is None:
            from nemo.core.connectors.save_restore_connector import SaveRestoreConnector

            save_restore_connector = SaveRestoreConnector()
        restored = save_restore_connector.restore_from(
            cls,
            str(restore_path),
            override_config_path=override_config_path,
            map_location=map_location,
            strict=strict,
            return_config=return_config,
            trainer=trainer,
        )
        if return_config:
            config: DictConfig = restored
            return config
        return restored_instance(cls, restored, restore_path)

    @classmethod
    def extract_state_dict_from(
        cls, restore_path: str | Path, save_dir: str | Path, split_by_module: bool = False
    ) -> dict[str, torch.Tensor]:
        """Write the archive's weights to ``save_dir`` (whole, or one file per top module)."""
        from nemo.core.connectors.save_restore_connector import SaveRestoreConnector

        state: dict[str, torch.Tensor] = SaveRestoreConnector().extract_state_dict_from(
            str(restore_path), str(save_dir), split_by_module=split_by_module
        )
        return state

    @classmethod
    def load_from_checkpoint(  # type: ignore[override]
        cls, checkpoint_path: str | Path, *args: Any, **kwargs: Any
    ) -> Any:
        """Lightning's loader, without building the data sets named in the checkpoint's cfg."""
        with _no_data_setup():
            return super().load_from_checkpoint(checkpoint_path, *args, **kwargs)


def _plain_hparams(cfg: DictConfig) -> dict[str, Any]:
    """The config as plain containers for Lightning's hparams.

    Checkpoints then hold only builtin types, so they load with ``torch.load(weights_only=True)``
    (a pickled DictConfig would need the unsafe loader, which can run code from the file).
    """
    return {"cfg": OmegaConf.to_container(cfg, resolve=True)}


@contextmanager
def _no_data_setup() -> Iterator[None]:
    with restoring(RestoreContext(restore_path=None, artifacts=None)):
        yield
