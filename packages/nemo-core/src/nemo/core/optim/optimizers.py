"""NeMo's optimizer API over the plugin registry: no table of optimizers is kept here.

``AVAILABLE_OPTIMIZERS`` is a live read-only view of ``nemo.core.plugins.optimizers``, so it
lists what nemo-optim, any other plugin and run-time registrations provide.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from nemo.core import plugins
from nemo.core.classes._config import plain_dict
from nemo.core.config.optimizers import AVAILABLE_OPTIMIZER_PARAMS
from nemo.core.optim._config_args import (
    has_class_path,
    params_fields,
    params_from_args,
    params_from_class_path,
    registered_partial,
)

__all__ = [
    "AVAILABLE_OPTIMIZERS",
    "get_optimizer",
    "parse_optimizer_args",
    "register_optimizer",
]

AVAILABLE_OPTIMIZERS: Mapping[str, Any] = plugins.optimizers.view()


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
