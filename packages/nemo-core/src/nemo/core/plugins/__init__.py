"""The plugin system: how distributions extend NeMo without being imported.

A plugin is named by an entry point in the ``nemo.plugins`` group and implements hooks from
:mod:`nemo.core.plugins.hookspecs` with the :data:`hookimpl` marker. Through
``nemo_register`` it registers models, optimizers, schedulers, tokenizers and pretrained
checkpoints by lazy reference; the registries below list them without importing any
implementation.

Scripts and notebooks register at run time with :func:`register_model`,
:func:`register_optimizer`, :func:`register_scheduler`, :func:`register_tokenizer` and
:func:`register_pretrained`.

Environment:

* ``NEMO_DISABLE_PLUGIN_AUTOLOAD=1`` loads no entry-point plugin but those ``NEMO_PLUGINS`` names.
* ``NEMO_PLUGINS=a,b`` loads only the plugins named (entry-point or distribution names);
  ``NEMO_PLUGINS=-a`` loads all but ``a``.
"""

from __future__ import annotations

from nemo.core.plugins._errors import PluginWarning, RegistrationConflictError, UnknownNameError
from nemo.core.plugins._manager import ENTRY_POINT_GROUP, system
from nemo.core.plugins._markers import hookimpl, hookspec
from nemo.core.plugins._records import PluginRecord, PluginStatus
from nemo.core.plugins._registrar import PretrainedEntry, Registrar
from nemo.core.plugins._registry import KINDS, RUNTIME_PROVIDER, Registration, Registry

# Not typing's: importing this package is on the start-up path of every `nemo` command and
# plugin module, which must not pay for typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = [
    "ENTRY_POINT_GROUP",
    "KINDS",
    "PluginRecord",
    "PluginStatus",
    "PluginWarning",
    "PretrainedEntry",
    "Registrar",
    "Registration",
    "RegistrationConflictError",
    "Registry",
    "UnknownNameError",
    "first_hook_result",
    "get_plugin_manager",
    "get_registry",
    "hook_results",
    "hookimpl",
    "hookspec",
    "list_plugins",
    "models",
    "optimizers",
    "pretrained",
    "refresh",
    "register_model",
    "register_optimizer",
    "register_pretrained",
    "register_scheduler",
    "register_tokenizer",
    "schedulers",
    "tokenizers",
]

models: Registry = system.registries["models"]
optimizers: Registry = system.registries["optimizers"]
schedulers: Registry = system.registries["schedulers"]
tokenizers: Registry = system.registries["tokenizers"]
pretrained: Registry = system.registries["pretrained"]


def get_registry(kind: str) -> Registry:
    """The registry of ``kind`` (one of :data:`KINDS`)."""
    try:
        return system.registries[kind]
    except KeyError:
        raise ValueError(f"unknown registry {kind!r}; choose one of {', '.join(KINDS)}") from None


def list_plugins() -> list[PluginRecord]:
    """Every plugin found, loaded or not, with its distribution, hooks and registrations."""
    return system.records()


def refresh() -> None:
    """Discover plugins again, e.g. after ``pip install`` in a running notebook."""
    system.refresh()


def get_plugin_manager() -> Any:
    """The underlying :class:`pluggy.PluginManager`, with every loadable plugin registered."""
    return system.plugin_manager


def hook_results(hook_name: str, **kwargs: Any) -> list[Any]:
    """Call a hook on every plugin; a plugin whose hook raises is reported and skipped."""
    return system.call_each(hook_name, **kwargs)


def first_hook_result(hook_name: str, **kwargs: Any) -> Any:
    """Call a hook's implementations in order until one returns a result other than ``None``."""
    return system.call_first(hook_name, **kwargs)


class _RuntimeRegistrar(Registrar):
    """The registrar of scripts and notebooks: each registration takes effect at once."""

    def _accept(self, registration: Registration, override: bool) -> None:
        system.register_runtime(registration, override=override)


_runtime = _RuntimeRegistrar(RUNTIME_PROVIDER)


def register_model(
    name: str,
    model: Any,
    *,
    aliases: Iterable[str] = (),
    description: str = "",
    override: bool = False,
) -> None:
    """Register a model class under ``name`` for this process."""
    _runtime.model(name, model, aliases=aliases, description=description, override=override)


def register_optimizer(
    name: str,
    optimizer: Any,
    optimizer_params: Any = None,
    *,
    aliases: Iterable[str] = (),
    description: str = "",
    override: bool = False,
) -> None:
    """Register an optimizer class and its params dataclass under ``name`` for this process.

    A name that is already registered raises :class:`RegistrationConflictError` unless
    ``override=True``.
    """
    _runtime.optimizer(
        name, optimizer, optimizer_params,
        aliases=aliases, description=description, override=override,
    )  # fmt: skip


def register_scheduler(
    name: str,
    scheduler: Any,
    scheduler_params: Any = None,
    *,
    aliases: Iterable[str] = (),
    description: str = "",
    override: bool = False,
) -> None:
    """Register a learning-rate scheduler class and its params dataclass for this process."""
    _runtime.scheduler(
        name, scheduler, scheduler_params,
        aliases=aliases, description=description, override=override,
    )  # fmt: skip


def register_tokenizer(
    name: str,
    tokenizer: Any,
    *,
    aliases: Iterable[str] = (),
    description: str = "",
    override: bool = False,
) -> None:
    """Register a tokenizer class (a ``TokenizerSpec`` subclass) for this process."""
    _runtime.tokenizer(name, tokenizer, aliases=aliases, description=description, override=override)


def register_pretrained(
    name: str,
    *,
    class_: Any,
    location: str,
    description: str = "",
    aliases: Iterable[str] = (),
    sha256: str | None = None,
    override: bool = False,
    **extra: Any,
) -> None:
    """Register a pretrained checkpoint for this process."""
    _runtime.pretrained(
        name, class_=class_, location=location, description=description,
        aliases=aliases, sha256=sha256, override=override, **extra,
    )  # fmt: skip
