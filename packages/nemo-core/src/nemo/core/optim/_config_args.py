"""Reading ``optim`` / ``sched`` sections: one code path for optimizers and schedulers.

Both accept the same forms as NeMo: plain keys, an ``args`` section naming a params dataclass
(``name: auto`` or a params key, overrides in ``params`` or next to ``name``), or a params class
path (``_target_``, or Hydra 0.x ``target``/``cls`` with ``params``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

from nemo.core.classes._config import plain_dict
from nemo.core.config._params import ParamsView, build_params, check_arguments, params_to_kwargs
from nemo.core.plugins import Registry
from nemo.core.plugins._registry import singular

__all__ = [
    "has_class_path",
    "params_fields",
    "params_from_args",
    "params_from_class_path",
    "registered_partial",
]

_CLASS_PATH_KEYS = ("_target_", "target", "cls")


def registered_partial(
    registry: Registry, name: str, kwargs: dict[str, Any]
) -> functools.partial[Any]:
    """``functools.partial(Class, **kwargs)`` of the class registered as ``name``.

    The arguments are checked now, against the class and its registered params dataclass, so a
    misspelt one fails naming itself rather than deep inside the first call.
    """
    registration = registry.get(name)
    target = registration.load()
    check_arguments(
        target,
        kwargs,
        params_cls=registration.load_params(),
        purpose=f"{singular(registry.kind)} {registration.name!r}",
    )
    return functools.partial(target, **kwargs)


def has_class_path(args: Mapping[str, Any]) -> bool:
    return any(key in args for key in _CLASS_PATH_KEYS)


def params_from_class_path(args: Mapping[str, Any], *, what: str) -> Any:
    """Instantiate the params class that ``args`` names by class path.

    Hydra 0.x forms are upgraded: ``target``/``cls`` become ``_target_`` and the keys of
    ``params`` join the others.
    """
    from hydra.errors import InstantiationException
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    config = dict(args)
    target = next(config.pop(key) for key in _CLASS_PATH_KEYS if key in config)
    for key in _CLASS_PATH_KEYS:
        config.pop(key, None)
    nested = config.pop("params", None) or {}
    config = {**config, **plain_dict(nested, what=f"{what} params")}
    config["_target_"] = target if isinstance(target, str) else _class_path(target)
    try:
        return instantiate(OmegaConf.create(config))
    except InstantiationException as exc:
        raise ValueError(f"{what}: cannot instantiate {config['_target_']!r}: {exc}") from exc


def params_fields(params: Any, target: Any = None) -> dict[str, Any]:
    """A params object's fields as keyword arguments (see ``params_to_kwargs``)."""
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        return params_to_kwargs(params, target)
    return dict(vars(params))


def params_from_args(
    args: Mapping[str, Any], view: ParamsView, auto_name: str, *, what: str
) -> Any:
    """The params dataclass that ``args['name']`` names in ``view``, built from the overrides.

    ``name: auto`` means ``auto_name``; the overrides are ``args['params']`` if present, else
    every other key. Each override is checked against the dataclass's fields.
    """
    args = dict(args)
    params_name = args.pop("name")
    if params_name == "auto":
        params_name = auto_name
    overrides = args.get("params", args)
    overrides = plain_dict(overrides or {}, what=f"{what} params")
    return build_params(view.lookup(params_name), overrides, purpose=what)


def _class_path(cls: Any) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"
