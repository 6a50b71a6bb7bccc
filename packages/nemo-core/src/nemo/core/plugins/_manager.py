"""Discovery and loading of plugins: entry points → pluggy → registries.

Discovery runs once per process, on first use of a registry or a hook, under a lock; `refresh`
runs it again (after a ``pip install`` in a notebook). Every fault is contained to the plugin
that caused it and reported once, as a :class:`PluginWarning`.

Listing the registries is the hot path (every ``nemo list``, every model lookup), so it imports
neither pluggy nor ``importlib.metadata`` in the usual case: entry points come from a fast scan
that defers to ``importlib.metadata`` for anything unusual (:mod:`._distributions`), plain
hook implementations are read with pluggy's rules and ``nemo_register`` is called directly
(:mod:`._hookimpls`), and the :class:`pluggy.PluginManager` is built, from the same plugin
objects in the same order, when another hook is first called. A plugin that only pluggy can
judge is registered with pluggy during discovery, as before.

No cross-process cache of registrations: a plugin's ``nemo_register`` may depend on the
environment (variables, installed extras, files), and a cache keyed on installed files alone
could return what the hook would no longer register.
"""

from __future__ import annotations

import os
from _thread import RLock, get_ident

from nemo.core._env import env_flag
from nemo.core.plugins import hookspecs
from nemo.core.plugins._distributions import (
    DistributionInfo,
    canonical_name,
    core_requirement_problem,
    plugin_entry_points,
)
from nemo.core.plugins._errors import PluginWarning, RegistrationConflictError
from nemo.core.plugins._hookimpls import hook_specs, plain_hookimpls
from nemo.core.plugins._markers import PROJECT_NAME
from nemo.core.plugins._records import PluginRecord, PluginStatus
from nemo.core.plugins._registrar import Registrar
from nemo.core.plugins._registry import KINDS, Registration, Registry, singular

TYPE_CHECKING = False  # not typing's: discovery must not import typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    import pluggy

__all__ = ["ENTRY_POINT_GROUP", "PluginSystem", "system"]

ENTRY_POINT_GROUP = "nemo.plugins"
# nemo-core's own plugins, loaded first and always, like pytest's built-in plugins.
_BUILTIN_PLUGINS = {
    "builtin": "nemo.core._builtin_plugin",
    "pretrained": "nemo.core.pretrained._plugin",  # http(s) and package:// locations
}
_CORE_DISTRIBUTION = "nemo-core"


class PluginSystem:
    """The process-wide plugin state: a pluggy manager, records and the registries."""

    def __init__(self) -> None:
        self._lock = RLock()
        self._loaded = False
        self._discovering_thread: int | None = None
        self._pm: pluggy.PluginManager | None = None
        # Plugins accepted without pluggy, registered with it when the manager is first needed.
        self._pending: list[tuple[str, object]] = []
        self._records: list[PluginRecord] = []
        self._record_by_plugin: dict[str, PluginRecord] = {}
        self._plugin_ids: set[int] = set()
        # plugin name -> its nemo_register implementations: (function, argument names).
        self._register_impls: dict[str, list[tuple[Callable[..., Any], tuple[str, ...]]]] = {}
        self._runtime: list[Registration] = []
        self.registries = {kind: Registry(kind, self.ensure_loaded) for kind in KINDS}

    # -- lifecycle -------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if self._loaded or self._discovering_thread == get_ident():
            return
        with self._lock:
            if not self._loaded:
                self._discovering_thread = get_ident()
                try:
                    self._discover()
                finally:
                    self._discovering_thread = None
                self._loaded = True

    def refresh(self) -> None:
        """Forget everything discovered and discover again; runtime registrations are kept."""
        import importlib

        with self._lock:
            importlib.invalidate_caches()
            self._loaded = False
            self.ensure_loaded()

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        self.ensure_loaded()
        return self._manager()

    def _manager(self) -> pluggy.PluginManager:
        """The plugin manager, built on first use with every plugin accepted so far."""
        with self._lock:
            if self._pm is None:
                import pluggy

                pm = pluggy.PluginManager(PROJECT_NAME)
                pm.add_hookspecs(hookspecs)
                self._pm = pm
                pending, self._pending = self._pending, []
                for plugin_name, plugin in pending:
                    try:
                        pm.register(plugin, name=plugin_name)
                    except Exception as exc:  # read as valid with pluggy's rules: never seen
                        record = self._record_by_plugin[plugin_name]
                        self._fault(record, f"has an invalid hook: {_describe(exc)}", fatal=True)
            return self._pm

    def records(self) -> list[PluginRecord]:
        self.ensure_loaded()
        return list(self._records)

    # -- runtime registration ----------------------------------------------------------------

    def register_runtime(self, registration: Registration, *, override: bool) -> None:
        self.ensure_loaded()
        with self._lock:
            self.registries[registration.kind].add(registration, override=override)
            self._runtime = [
                r
                for r in self._runtime
                if (r.kind, r.name) != (registration.kind, registration.name)
            ]
            self._runtime.append(registration)

    # -- hook calls ----------------------------------------------------------------------------

    def call_each(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call every implementation of a hook; a raising one is reported and skipped."""
        return list(self._iter_results(hook_name, kwargs))

    def call_first(self, hook_name: str, **kwargs: Any) -> Any:
        """Call implementations until one returns something other than ``None``."""
        return next((r for r in self._iter_results(hook_name, kwargs) if r is not None), None)

    def _iter_results(self, hook_name: str, kwargs: dict[str, Any]) -> Iterable[Any]:
        hook = getattr(self.plugin_manager.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            if impl.hookwrapper or impl.wrapper:
                continue
            record = self._record_by_plugin.get(impl.plugin_name)
            try:
                yield impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception as exc:  # a plugin's fault must not take the process down
                if record is None or record.distribution == _CORE_DISTRIBUTION:
                    raise
                self._fault(record, f"its hook {hook_name} raised {_describe(exc)}", fatal=False)

    # -- discovery -----------------------------------------------------------------------------

    def _discover(self) -> None:
        for registry in self.registries.values():
            registry.clear()
        self._pm = None
        self._pending = []
        self._records = []
        self._record_by_plugin = {}
        self._plugin_ids = set()
        self._register_impls = {}

        from nemo.core import __version__ as core_version

        for name, module in _BUILTIN_PLUGINS.items():
            builtin = PluginRecord(name, _CORE_DISTRIBUTION, core_version, module)
            self._records.append(builtin)
            self._add_plugin(builtin, _importer(module))
        for entry_point, info in plugin_entry_points(ENTRY_POINT_GROUP):
            self._load_entry_point(entry_point, info, core_version)

        for record in self._records:
            if record.status == PluginStatus.LOADED:
                self._collect_registrations(record)
        for registration in self._runtime:
            self.registries[registration.kind].add(registration, override=True)

    def _load_entry_point(
        self, entry_point: Any, info: DistributionInfo, core_version: str
    ) -> None:
        dist_name = info.name
        record = PluginRecord(entry_point.name, dist_name, info.version, entry_point.value)
        self._records.append(record)

        allowed, reason = _allowed(entry_point.name, dist_name)
        if not allowed:
            record.status = PluginStatus.DISABLED
            record.errors.append(reason)
            return
        problem = core_requirement_problem(info, core_version)
        if problem is not None:
            record.status = PluginStatus.INCOMPATIBLE
            self._fault(
                record,
                f"{problem}. Install a version of {dist_name} made for nemo-core "
                f"{core_version} (pip install -U {dist_name}), or uninstall it",
                fatal=True,
            )
            return
        self._add_plugin(record, entry_point.load)

    def _add_plugin(self, record: PluginRecord, load: Callable[[], Any]) -> None:
        try:
            plugin = load()
        except Exception as exc:
            self._fault(
                record,
                f"cannot be imported: {_describe(exc)}. Fix or reinstall {record.distribution} "
                f"(pip install --force-reinstall {record.distribution}), uninstall it, or leave "
                "it out with NEMO_PLUGINS",
                fatal=True,
            )
            return
        plugin_name = f"{record.distribution}::{record.name}"
        impls = None
        # Once pluggy is loaded, it registers everything; it refuses a plugin added twice.
        seen = plugin_name in self._record_by_plugin or id(plugin) in self._plugin_ids
        if self._pm is None and not seen:
            impls = plain_hookimpls(plugin, _specs())
        if impls is not None:
            self._pending.append((plugin_name, plugin))
            record.hooks = sorted({impl.hook for impl in impls})
            self._register_impls[plugin_name] = [
                (impl.function, impl.argnames) for impl in impls if impl.hook == "nemo_register"
            ]
            unknown_hooks = [impl.attribute for impl in impls if _unknown_hook_name(impl.attribute)]
        else:
            pm = self._manager()
            try:
                pm.register(plugin, name=plugin_name)
            except Exception as exc:
                self._fault(record, f"has an invalid hook: {_describe(exc)}", fatal=True)
                return
            record.hooks = sorted(caller.name for caller in (pm.get_hookcallers(plugin) or ()))
            self._register_impls[plugin_name] = [
                (impl.function, impl.argnames)
                for impl in pm.hook.nemo_register.get_hookimpls()
                if impl.plugin_name == plugin_name
            ]
            unknown_hooks = _unknown_hooks(pm, plugin)
        self._plugin_ids.add(id(plugin))
        self._record_by_plugin[plugin_name] = record
        for unknown in unknown_hooks:
            self._fault(
                record,
                f"implements {unknown!r}, which is not a nemo hook (known hooks: "
                f"{', '.join(hookspecs.__all__)}); rename it or remove the hookimpl marker",
                fatal=False,
            )

    def _collect_registrations(self, record: PluginRecord) -> None:
        plugin_name = f"{record.distribution}::{record.name}"
        for function, argnames in self._register_impls.get(plugin_name, ()):
            registrar = Registrar(record.distribution)
            try:
                function(*(registrar if arg == "registrar" else None for arg in argnames))
            except Exception as exc:
                self._fault(
                    record,
                    f"its hook nemo_register raised {_describe(exc)}; nothing it registered is "
                    f"used. Upgrade or fix {record.distribution}",
                    fatal=True,
                )
                continue
            for registration, override in registrar.pending:
                try:
                    self.registries[registration.kind].add(registration, override=override)
                except RegistrationConflictError:
                    holder = self.registries[registration.kind].holder_of(registration.name)
                    self._fault(
                        record,
                        f"registers {singular(registration.kind)} {registration.name!r}, which "
                        f"{holder.provider if holder else 'another plugin'} already registered; "
                        "kept the first. Rename it in one of the plugins, register it with "
                        "override=True, or leave one plugin out with NEMO_PLUGINS",
                        fatal=False,
                    )
                    continue
                record.registrations.append(registration)

    def _fault(self, record: PluginRecord, problem: str, *, fatal: bool) -> None:
        message = f"NeMo {record.label}: {problem}."
        record.errors.append(message)
        if fatal and record.status == PluginStatus.LOADED:
            record.status = PluginStatus.FAILED
        import warnings

        warnings.warn(message, PluginWarning, stacklevel=4)


def _importer(module: str) -> Callable[[], Any]:
    def load() -> Any:
        from importlib import import_module

        return import_module(module)

    return load


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _allowed(entry_point_name: str, dist_name: str) -> tuple[bool, str]:
    """Apply ``NEMO_PLUGINS`` (an allow-list) and ``NEMO_DISABLE_PLUGIN_AUTOLOAD``."""
    listed = os.environ.get("NEMO_PLUGINS")
    names = {canonical_name(n) for n in (listed or "").split(",") if n.strip()}
    named = bool(names & {canonical_name(entry_point_name), canonical_name(dist_name)})
    if env_flag("NEMO_DISABLE_PLUGIN_AUTOLOAD"):
        if named:
            return True, ""
        return False, "not loaded: NEMO_DISABLE_PLUGIN_AUTOLOAD is set and NEMO_PLUGINS omits it"
    if listed is not None and not named:
        return False, f"not loaded: NEMO_PLUGINS={listed!r} does not name it"
    return True, ""


def _unknown_hook_name(name: str) -> bool:
    return name.startswith("nemo_") and name not in hookspecs.__all__


def _unknown_hooks(pm: pluggy.PluginManager, plugin: Any) -> list[str]:
    return [
        name
        for name in dir(plugin)
        if _unknown_hook_name(name) and pm.parse_hookimpl_opts(plugin, name) is not None
    ]


_SPECS: list[dict[str, frozenset[str]]] = []


def _specs() -> dict[str, frozenset[str]]:
    """The argument names each hook spec accepts (read once)."""
    if not _SPECS:
        specs = hook_specs(hookspecs)
        assert specs is not None, "nemo's hook specs must stay plain functions"
        _SPECS.append(specs)
    return _SPECS[0]


system = PluginSystem()
