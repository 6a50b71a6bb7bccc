"""Building an optimizer: an ``optim`` section and parameters in, a torch optimizer out.

:func:`build_optimizer` is the whole path, in order: the section names the optimizer (``name``,
default ``adam``, or ``_target_``: a class path); its arguments are the section's extra keys or
its ``args`` (:func:`parse_optimizer_args`); they are checked against the class and its params
dataclass; the optimizer is constructed over the parameter groups. ``ModelPT`` calls it from
``setup_optimization``; the rest is NeMo's API over the plugin registry (no table of optimizers
is kept here: ``AVAILABLE_OPTIMIZERS`` is a live view of ``nemo.core.plugins.optimizers``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nemo.core import plugins
from nemo.core.config.optimizers import AVAILABLE_OPTIMIZER_PARAMS
from nemo.core.optim._arguments import (
    MissingArgumentError,
    UnknownArgumentError,
    check_arguments,
    has_class_path,
    params_fields,
    params_from_args,
    params_from_class_path,
    registered_partial,
)
from nemo.utils import logging
from nemo.utils.model_utils import plain_dict

if TYPE_CHECKING:
    import torch

__all__ = [
    "AVAILABLE_OPTIMIZERS",
    "build_optimizer",
    "get_optimizer",
    "parse_optimizer_args",
    "register_optimizer",
]

AVAILABLE_OPTIMIZERS: Mapping[str, Any] = plugins.optimizers.view()

# Keys of an ``optim`` section that are not optimizer arguments when those are given as extra keys.
_SECTION_KEYS = ("name", "cls", "lr", "_target_", "sched", "args")


def build_optimizer(section: Mapping[str, Any], params: Any) -> torch.optim.Optimizer:
    """The optimizer an ``optim`` section (without ``sched``) describes, over ``params``.

    ``params`` is what ``torch.optim.Optimizer`` takes: parameters or parameter-group dicts.
    Errors name the ``optim`` key at fault.
    """
    section = plain_dict(section, what="the optim config")
    target = section.get("_target_")
    if target is None:
        name = str(section.get("name", "adam"))
    elif isinstance(target, type):
        name = target.__name__.lower()
    else:
        name = str(target).rsplit(".", 1)[-1].lower()
    if "args" in section:
        kwargs = parse_optimizer_args(name, section["args"])
    else:
        kwargs = {key: value for key, value in section.items() if key not in _SECTION_KEYS}
    if section.get("lr") is not None:
        kwargs["lr"] = section["lr"]
    factory = _by_class_path(target, kwargs) if target is not None else _by_name(name, kwargs)
    optimizer: torch.optim.Optimizer = factory(params)
    logging.info("Optimizer config = %s", optimizer)
    return optimizer


def _by_name(name: str, kwargs: dict[str, Any]) -> functools.partial[Any]:
    try:
        return get_optimizer(name, **kwargs)
    except plugins.UnknownNameError as exc:
        raise plugins.UnknownNameError(f"optim.name: {exc}", kind=exc.kind, name=exc.name) from None
    except (UnknownArgumentError, MissingArgumentError) as exc:
        raise type(exc)(f"optim: {exc}") from None


def _by_class_path(target: Any, kwargs: dict[str, Any]) -> functools.partial[Any]:
    if isinstance(target, str):
        from hydra.utils import get_object

        try:
            target = get_object(target)
        except Exception as exc:
            raise ValueError(
                f"optim._target_: cannot import {target!r} ({exc}); give the class path of an "
                "optimizer, e.g. torch.optim.SGD, or use optim.name"
            ) from exc
    check_arguments(target, kwargs, params_cls=None, purpose=f"optim._target_ {target!r}")
    return functools.partial(target, **kwargs)


def register_optimizer(name: str, optimizer: Any, optimizer_params: Any) -> None:
    """Register ``optimizer`` and its params dataclass under ``name`` for this process.

    A name already registered raises ``ValueError`` (as in NeMo). The params are kept with the
    optimizer, so ``optim.args.name: auto`` finds them under ``"<name>_params"``.
    """
    plugins.register_optimizer(name, optimizer, optimizer_params)


def get_optimizer(name: str, **kwargs: Any) -> functools.partial[Any]:
    """``functools.partial(OptimizerClass, **kwargs)`` for the optimizer registered as ``name``.

    Unknown names raise ``ValueError`` listing the available ones (and which distribution to
    install for a name ours provide); an unknown argument raises naming the params dataclass.
    """
    return registered_partial(plugins.optimizers, name, kwargs)


def parse_optimizer_args(optimizer_name: str, optimizer_kwargs: Any) -> dict[str, Any]:
    """Turn an ``optim.args`` section into the optimizer's keyword arguments.

    * ``None`` → ``{}``;
    * a params class path (``_target_``, or Hydra 0.x ``target``/``cls`` + ``params``) → that
      class instantiated, every field returned;
    * ``name: auto`` → the params registered with ``optimizer_name``; ``name: <key>`` → that
      params entry (``adam_params``, a registered name or a class name); overrides come from
      ``params`` if present, else the other keys, and are checked against the dataclass; every
      field is returned, ``lr`` included (``'???'`` unless given: the caller sets it);
    * anything else → a copy of the mapping.
    """
    if optimizer_kwargs is None:
        return {}
    what = f"optimizer {optimizer_name!r} args"
    kwargs = plain_dict(optimizer_kwargs, what=what)
    if has_class_path(kwargs):
        return params_fields(params_from_class_path(kwargs, what=what))
    if "name" in kwargs:
        auto = f"{optimizer_name}_params"
        return params_fields(params_from_args(kwargs, AVAILABLE_OPTIMIZER_PARAMS, auto, what=what))
    return kwargs
