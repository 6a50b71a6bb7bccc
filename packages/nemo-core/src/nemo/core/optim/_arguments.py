"""How an ``optim`` or ``sched`` section becomes keyword arguments: one path for both.

The section's forms are NeMo's: plain keys, an ``args`` section naming a params dataclass
(``name: auto`` or a params key; overrides in ``params`` or next to ``name``), or a params class
path (``_target_``, or Hydra 0.x ``target``/``cls`` with ``params``). Every argument is checked
against the class and its params dataclass before anything is built, so a typo in a YAML file
fails naming itself rather than deep inside torch.

NeMo validated overrides by merging them into an OmegaConf structured config, so an unknown key
raised ``omegaconf.errors.ConfigKeyError``. :class:`UnknownArgumentError` keeps that base class
(and ``TypeError``, what Python raises for an unexpected keyword) while saying which argument is
wrong, which dataclass it was checked against and what the valid names are.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Mapping
from typing import Any

from omegaconf import MISSING
from omegaconf.errors import ConfigKeyError

from nemo.core.plugins import Registry, UnknownNameError
from nemo.core.plugins._registry import singular
from nemo.utils.model_utils import plain_dict

__all__ = [
    "MissingArgumentError",
    "ParamsView",
    "UnknownArgumentError",
    "accepted_arguments",
    "build_params",
    "check_arguments",
    "has_class_path",
    "params_fields",
    "params_from_args",
    "params_from_class_path",
    "params_to_kwargs",
    "registered_partial",
]


class UnknownArgumentError(ConfigKeyError, TypeError):
    """An override names a field that the params dataclass (or the class) does not have."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return self.message


class MissingArgumentError(ValueError):
    """A required argument was left MISSING (``'???'``) in the config and its params."""


def _field_names(params_cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(params_cls) if f.init]


def _describe(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def accepted_arguments(target: Any) -> set[str] | None:
    """The keyword arguments ``target`` (a class or a factory) accepts; None if it takes any.

    A constructor with ``**kwargs`` usually hands them to its base class (NeMo's schedulers do),
    so the base classes' constructors are read too, up to the first one without ``**kwargs``.
    """
    inits = (
        [
            klass.__dict__["__init__"]
            for klass in inspect.getmro(target)
            if "__init__" in klass.__dict__
        ]
        if isinstance(target, type)
        else [target]
    )
    names: set[str] = set()
    for init in inits:
        try:
            parameters = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):  # builtins without a signature: cannot check
            return None
        keywords = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        names.update(p.name for p in parameters if p.kind in keywords)
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            return names - {"self"}
    return None


def check_arguments(
    target: Any, arguments: Mapping[str, Any], *, params_cls: Any, purpose: str
) -> None:
    """Fail before construction when an argument is unknown to ``target`` or left MISSING.

    The message names the argument, the params dataclass and the valid names, so a typo in a
    YAML file is found without reading a traceback from inside torch.
    """
    accepted = accepted_arguments(target)
    reference = getattr(params_cls, "__name__", None) or _describe(target)
    if accepted is not None:
        unknown = [key for key in arguments if key not in accepted]
        if unknown:
            valid = sorted(accepted - {"params", "optimizer"}, key=str.casefold)
            raise UnknownArgumentError(
                f"{purpose}: unknown argument(s) {', '.join(repr(k) for k in unknown)} "
                f"(checked against {reference} and {_describe(target)}). Valid arguments: "
                f"{', '.join(valid)}. Remove or rename them."
            )
    missing = [
        key for key, value in arguments.items() if isinstance(value, str) and value == MISSING
    ]
    if missing:
        raise MissingArgumentError(
            f"{purpose}: argument(s) {', '.join(repr(k) for k in missing)} are required "
            f"(MISSING, '???', in {reference}); set them in the config"
        )


def build_params(params_cls: Any, overrides: Mapping[str, Any], *, purpose: str) -> Any:
    """``params_cls(**overrides)`` after checking every key is one of its fields.

    ``purpose`` names what the params are for (``"optimizer 'novograd'"``) in the error message.
    """
    if not (isinstance(params_cls, type) and dataclasses.is_dataclass(params_cls)):
        raise TypeError(
            f"{purpose}: {params_cls!r} is not a params dataclass; register a dataclass "
            "(e.g. a subclass of nemo.core.config.OptimizerParams or SchedulerParams)"
        )
    if not isinstance(overrides, Mapping):
        raise TypeError(
            f"{purpose}: arguments must be a mapping of name to value, got "
            f"{type(overrides).__name__}"
        )
    known = _field_names(params_cls)
    unknown = [key for key in overrides if key not in known]
    if unknown:
        raise UnknownArgumentError(
            f"{purpose}: unknown argument(s) {', '.join(repr(k) for k in unknown)} for "
            f"{params_cls.__name__}. Valid arguments: {', '.join(known)}. Remove or rename them."
        )
    return params_cls(**dict(overrides))


def params_to_kwargs(params: Any, target: Any = None) -> dict[str, Any]:
    """The dataclass instance's fields as a plain dict (what NeMo got from ``vars(params)``).

    With ``target``, a field that ``target`` does not accept is dropped while it holds its
    default (NeMo 3.0's params predate some torch changes, e.g. ReduceLROnPlateau lost
    ``verbose``); set to anything else, it is kept so that :func:`check_arguments` reports it.
    """
    fields = [f for f in dataclasses.fields(params) if f.init]
    accepted = None if target is None else accepted_arguments(target)
    kwargs = {}
    for field in fields:
        value = getattr(params, field.name)
        if accepted is not None and field.name not in accepted and _is_default(field, value):
            continue
        kwargs[field.name] = value
    return kwargs


def _is_default(field: dataclasses.Field[Any], value: Any) -> bool:
    if field.default is not dataclasses.MISSING:
        return bool(value == field.default)
    if field.default_factory is not dataclasses.MISSING:
        return bool(value == field.default_factory())
    return False


class ParamsView(Mapping[str, Any]):
    """A live mapping from NeMo's params keys to the params dataclasses of a registry.

    Keys are ``<registered name><suffix>`` (``novograd_params``, ``CosineAnnealingParams``),
    plus one key for the base dataclass. Params live on each registration, so a plugin's or a
    run-time registration shows up here without registering its params separately.
    """

    def __init__(self, registry: Registry, suffix: str, base_key: str, base_cls: type) -> None:
        self._registry = registry
        self._suffix = suffix
        self._base_key = base_key
        self._base_cls = base_cls

    def _names(self) -> dict[str, str]:
        names = {self._base_key: ""}
        for entry in self._registry.entries():
            if entry.params is not None:
                names[f"{entry.name}{self._suffix}"] = entry.name
        return names

    def __getitem__(self, key: str) -> Any:
        name = self._names().get(key)
        if name is None:
            raise KeyError(key)
        return self._base_cls if name == "" else self._registry.get(name).load_params()

    def __iter__(self) -> Any:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._names()

    def lookup(self, name: str) -> Any:
        """The params dataclass for a key, a registered name or a params class name."""
        if name in self:
            return self[name]
        if name in self._registry:
            params = self._registry.get(name).load_params()
            if params is not None:
                return params
        if name == self._base_cls.__name__:
            return self._base_cls
        found = self._registry.find_class(name, params=True)
        if found is not None:
            return found
        what = singular(self._registry.kind)
        kind = f"{what} params"
        raise UnknownNameError(
            f"unknown {kind} {name!r}. Available: {', '.join(self)}. Register the "
            f"{what} with its params dataclass, or use one of these names.",
            kind=kind,
            name=name,
        )


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
