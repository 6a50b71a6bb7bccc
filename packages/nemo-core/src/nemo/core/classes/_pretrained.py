"""``list_available_models`` / ``from_pretrained``: the pretrained-model side of ``Model``.

A mixin with no state and no heavy imports: listing reads the plugin registry (no model class
is imported, see :mod:`nemo.core.pretrained._catalog`), and ``from_pretrained`` fetches the
file, then hands it to the registered class's ``restore_from``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal, Self, overload

from nemo.core.classes._restore_state import restored_instance

if TYPE_CHECKING:
    from omegaconf import DictConfig

    from nemo.core.pretrained import PretrainedModelInfo

__all__ = ["PretrainedMixin"]


class PretrainedMixin:
    """Pretrained checkpoints of a model class, as NeMo's ``Model`` offers them.

    On ``ModelPT`` (and ``Model``) the methods cover every registered checkpoint; on a subclass,
    the checkpoints of that class and its subclasses. A class may still override
    :meth:`list_available_models` NeMo-style (returning hand-written infos):
    :meth:`from_pretrained` then looks names up in that list.
    """

    @classmethod
    def list_available_models(cls) -> list[PretrainedModelInfo]:
        """Registered checkpoints of this class and its subclasses, sorted by name.

        NeMo returns ``None`` when a class has none; this returns an empty list, so that
        ``for info in cls.list_available_models()`` always works.
        """
        from nemo.core.pretrained import list_pretrained

        return list_pretrained(cls)

    @classmethod
    def get_available_model_names(cls) -> list[str]:
        """The ``pretrained_model_name`` of each of :meth:`list_available_models`."""
        return [info.pretrained_model_name for info in cls.list_available_models() or ()]

    @overload
    @classmethod
    def from_pretrained(
        cls,
        model_name: str,
        refresh_cache: bool = False,
        override_config_path: str | None = None,
        map_location: Any = None,
        strict: bool = True,
        return_config: Literal[False] = False,
        cache_dir: str | os.PathLike[str] | None = None,
        trainer: Any = None,
    ) -> Self: ...

    @overload
    @classmethod
    def from_pretrained(
        cls,
        model_name: str,
        refresh_cache: bool = False,
        override_config_path: str | None = None,
        map_location: Any = None,
        strict: bool = True,
        *,
        return_config: Literal[True],
        cache_dir: str | os.PathLike[str] | None = None,
        trainer: Any = None,
    ) -> DictConfig: ...

    @overload
    @classmethod
    def from_pretrained(
        cls,
        model_name: str,
        refresh_cache: bool = False,
        override_config_path: str | None = None,
        map_location: Any = None,
        strict: bool = True,
        return_config: bool = False,
        cache_dir: str | os.PathLike[str] | None = None,
        trainer: Any = None,
    ) -> Self | DictConfig: ...

    @classmethod
    def from_pretrained(
        cls,
        model_name: str,
        refresh_cache: bool = False,
        override_config_path: str | None = None,
        map_location: Any = None,
        strict: bool = True,
        return_config: bool = False,
        cache_dir: str | os.PathLike[str] | None = None,
        trainer: Any = None,
    ) -> Self | DictConfig:
        """Fetch the checkpoint registered as ``model_name`` (or an alias) and restore it.

        The file is downloaded into the cache unless a verified copy is there
        (``refresh_cache=True`` fetches again); ``cache_dir`` overrides ``$NEMO_CACHE_DIR``.
        The model is restored by the class the checkpoint was registered with (this class
        when the info names none), with the remaining arguments passed to ``restore_from``.
        An unknown name raises :class:`~nemo.core.pretrained.PretrainedModelNotFoundError`
        (a ``FileNotFoundError``, as in NeMo) listing close matches.
        """
        from nemo.core.pretrained import fetch_pretrained

        info = _find(cls, model_name)
        path = fetch_pretrained(info, cache_dir=cache_dir, refresh=refresh_cache)
        model_class: Any = info.class_ if info.class_ is not None else cls
        restored = model_class.restore_from(
            str(path),
            override_config_path=override_config_path,
            map_location=map_location,
            strict=strict,
            return_config=return_config,
            trainer=trainer,
        )
        if return_config:
            config: DictConfig = restored
            return config
        return restored_instance(cls, restored, f"pretrained model {model_name!r}")


def _find(cls: type[PretrainedMixin], model_name: str) -> PretrainedModelInfo:
    from nemo.core.pretrained import get_pretrained_info

    definer = next(k for k in cls.__mro__ if "list_available_models" in k.__dict__)
    if definer is PretrainedMixin:
        return get_pretrained_info(model_name, cls)
    return _find_listed(cls, model_name, cls.list_available_models() or [])


def _find_listed(
    cls: type, model_name: str, infos: list[PretrainedModelInfo]
) -> PretrainedModelInfo:
    """Look ``model_name`` up in a NeMo-style hand-written list, as the registry would."""
    from nemo.core.plugins import Registry, UnknownNameError
    from nemo.core.plugins._registrar import make_registration
    from nemo.core.pretrained import PretrainedModelNotFoundError

    listed = Registry("pretrained", ensure_loaded=lambda: None)
    by_name = {}
    for info in infos:
        by_name[info.pretrained_model_name] = info
        listed.add(
            make_registration(
                "pretrained", info.pretrained_model_name, cls, provider=cls.__qualname__,
                aliases=[a for a in info.aliases or () if a not in listed],
            ),
            override=True,
        )  # fmt: skip
    try:
        return by_name[listed.get(model_name).name]
    except UnknownNameError as exc:
        raise PretrainedModelNotFoundError(
            f"{cls.__qualname__}: {exc.message}", kind="pretrained", name=model_name
        ) from None
