"""Reading ``optim`` / ``sched`` sections: one code path for optimizers and schedulers.

Both accept the same forms as NeMo: plain keys, an ``args`` section naming a params dataclass
(``name: auto`` or a params key, overrides in ``params`` or next to ``name``), or a params class
path (``_target_``, or Hydra 0.x ``target``/``cls`` with ``params``).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

from nemo.core.config._params import ParamsView, build_params, params_to_kwargs

__all__ = [
    "has_class_path",
    "params_fields",
    "params_from_args",
    "params_from_class_path",
    "plain_dict",
]

_CLASS_PATH_KEYS = ("_target_", "target", "cls")


def plain_dict(config: Any, *, what: str) -> dict[str, Any]:
    """A deep, resolved plain-dict copy of a DictConfig, a mapping or a dataclass instance."""
    from omegaconf import DictConfig, OmegaConf

    if isinstance(config, DictConfig):
        container = OmegaConf.to_container(config, resolve=True)
        assert isinstance(container, dict)
        return {str(key): value for key, value in container.items()}
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return {f.name: copy.deepcopy(getattr(config, f.name)) for f in dataclasses.fields(config)}
    if not isinstance(config, Mapping):
        raise TypeError(
            f"{what} must be a mapping (a dict or DictConfig), got {type(config).__name__}"
        )
    return {str(key): copy.deepcopy(value) for key, value in config.items()}


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
