"""The mixins every NeMo object builds on: typing, serialization, file I/O, model discovery.

``nemo.core.classes.common`` is the path NeMo's users import from, so the names live here even
though :class:`Typing` and :class:`typecheck` are implemented in a private module.
"""

from __future__ import annotations

import importlib
import inspect
import warnings
from abc import ABC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nemo.core._lazy import lazy_exports
from nemo.core.classes._pretrained import PretrainedMixin
from nemo.core.classes._restore_state import current_restore, not_an_instance_message
from nemo.core.classes._typecheck import Typing, is_typecheck_enabled, typecheck
from nemo.core.connectors._target_policy import check_restore_targets
from nemo.utils.model_utils import convert_model_config_to_dict_config, maybe_update_config_version

if TYPE_CHECKING:
    from nemo.core.pretrained import PretrainedModelInfo

__all__ = [
    "FileIO",
    "Model",
    "PretrainedModelInfo",
    "Serialization",
    "Typing",
    "is_typecheck_enabled",
    "typecheck",
]


# NeMo's import path of PretrainedModelInfo; it is defined with the pretrained cache.
__getattr__, __dir__ = lazy_exports(__name__, {"PretrainedModelInfo": "nemo.core.pretrained"})


class Serialization(ABC):  # noqa: B024 - a mixin whose members all have defaults
    """Objects that are built from, and describe themselves as, a config.

    A config with ``_target_`` is built by Hydra (the class path plus constructor arguments); a
    model config carries ``target`` (its class path) and is passed whole as ``cfg=``.
    """

    @classmethod
    def from_config_dict(cls, config: Any, trainer: Any = None) -> Any:
        """Build what a DictConfig, dict, dataclass or YAML path describes.

        ``Any``, not this class: as in NeMo, a model builds its modules through its own class
        (``self.from_config_dict(cfg.encoder)``), so the result is whatever the config names.
        """
        config = convert_model_config_to_dict_config(
            config, what=f"{cls.__name__}.from_config_dict"
        )
        _check_restored_targets(config)
        if "_target_" in config:
            instance = _instantiate(config, cls)
        else:
            target_cls = _target_class(config, cls)
            kwargs = {"cfg": config}
            if trainer is not None or "trainer" in _init_parameters(target_cls):
                kwargs["trainer"] = trainer
            instance = target_cls(**kwargs)
        if getattr(instance, "_cfg", None) is None:
            instance._cfg = config
        return instance

    def to_config_dict(self) -> Any:
        """The config this object was built from (resolved, Hydra-1 style)."""
        from omegaconf import DictConfig

        config = getattr(self, "_cfg", None)
        if not isinstance(config, DictConfig):
            config = self._captured_config()
        if config is None:
            raise NotImplementedError(
                f"{type(self).__name__} has no config to describe itself: build it with "
                "from_config_dict, or set self._cfg in its constructor"
            )
        return maybe_update_config_version(config)

    def _captured_config(self) -> Any:
        """Subclasses that record their constructor arguments describe themselves from them."""
        return None


class FileIO(ABC):  # noqa: B024 - a mixin whose members all have defaults
    """Objects that can be saved to and restored from files."""

    def save_to(self, save_path: str | Path) -> None:
        raise NotImplementedError(
            f"{type(self).__name__} cannot be saved to a file: implement save_to, or derive the "
            "class from ModelPT, which writes .nemo archives"
        )

    @classmethod
    def restore_from(
        cls,
        restore_path: str | Path,
        override_config_path: Any = None,
        map_location: Any = None,
        strict: bool = True,
        return_config: bool = False,
        trainer: Any = None,
    ) -> Any:  # ModelPT's says what it returns; here there is nothing to restore
        raise NotImplementedError(
            f"{cls.__name__} cannot be restored from a file: implement restore_from, or derive "
            "the class from ModelPT, which reads .nemo archives"
        )

    @classmethod
    def from_config_file(cls, path2yaml_file: str | Path) -> Any:
        """Build an instance from a YAML config file."""
        if not issubclass(cls, Serialization):
            raise NotImplementedError(
                f"{cls.__name__}.from_config_file: the class is not built from configs; derive "
                "it from nemo.core.classes.Serialization"
            )
        return cls.from_config_dict(
            convert_model_config_to_dict_config(path2yaml_file, what=cls.__name__)
        )

    def to_config_file(self, path2yaml_file: str | Path) -> None:
        """Write this object's config (resolved) as YAML."""
        from omegaconf import OmegaConf

        if not isinstance(self, Serialization):
            raise NotImplementedError(
                f"{type(self).__name__}.to_config_file: the object has no config; derive its "
                "class from nemo.core.classes.Serialization"
            )
        OmegaConf.save(self.to_config_dict(), Path(path2yaml_file), resolve=True)


class Model(Typing, Serialization, FileIO, PretrainedMixin):
    """A trainable model that can be saved, restored and fetched by pretrained name."""


def _check_restored_targets(config: Any) -> None:
    """A config read from an archive may only name module classes: it must not run code."""
    context = current_restore()
    if context is not None and context.restore_path is not None:
        import torch

        check_restore_targets(config, context.restore_path, (torch.nn.Module, Serialization))


def _init_parameters(target_cls: type) -> set[str]:
    try:
        return set(inspect.signature(target_cls).parameters)
    except (TypeError, ValueError):
        return set()


def _instantiate(config: Any, cls: type) -> Any:
    from hydra.errors import InstantiationException
    from hydra.utils import instantiate

    try:
        return instantiate(config)
    except InstantiationException as exc:
        raise ValueError(
            f"cannot build {cls.__name__} from a config with _target_={config._target_!r}: "
            f"{exc}. Check the class path and its arguments in the config"
        ) from exc


def _target_class(config: Any, cls: type) -> type:
    """The class a model config names in ``target``, or ``cls`` when it names none."""
    target = config.get("target")
    if not target:
        if inspect.isabstract(cls):
            raise ValueError(
                f"the config has no 'target' naming the model class, and {cls.__name__} is "
                "abstract; call from_config_dict on the concrete class, or add "
                "target: package.module.ClassName to the config"
            )
        return cls
    imported = _import_class(str(target), cls)
    if imported is None:
        return cls
    if issubclass(cls, imported):  # e.g. a subclass restoring its parent's archive
        return cls
    if not issubclass(imported, cls):
        context = current_restore()
        if context is not None and context.restore_path is not None:  # cls.restore_from(...)
            raise TypeError(not_an_instance_message(cls, imported, context.restore_path))
        warnings.warn(
            f"the config's target {target!r} is not a subclass of {cls.__name__}; building "
            f"{imported.__name__} anyway",
            UserWarning,
            stacklevel=3,
        )
    return imported


def _import_class(path: str, cls: type) -> type | None:
    """Import ``package.module.Class``; on failure, fall back to ``cls`` only if concrete."""
    module_name, _, class_name = path.rpartition(".")
    try:
        value = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        if not inspect.isabstract(cls):
            warnings.warn(
                f"the config's target {path!r} cannot be imported ({exc}); building "
                f"{cls.__name__} instead",
                UserWarning,
                stacklevel=4,
            )
            return None
        raise ValueError(
            f"the config names the model class {path!r}, which cannot be imported: {exc}. "
            f"{_install_hint(class_name)}"
        ) from exc
    if not isinstance(value, type):
        raise ValueError(
            f"the config's target {path!r} is not a class but {value!r}; name the model class "
            "there (target: package.module.ClassName)"
        )
    return value


def _install_hint(class_name: str) -> str:
    from nemo.core.plugins._hints import declared_by_class
    from nemo.core.plugins._manager import system

    explained = system.explain_declarations(declared_by_class(("models",), class_name))
    if explained:
        return explained.strip()
    return (
        "No installed distribution declares it: install the plugin that provides it "
        "(`nemo list models` shows the installed ones), or call restore_from on its class"
    )
