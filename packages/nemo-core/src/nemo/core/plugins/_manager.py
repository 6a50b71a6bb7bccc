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
from nemo.core.plugins._errors import PluginWarning
from nemo.core.plugins._hookimpls import hook_specs, plain_hookimpls
from nemo.core.plugins._markers import PROJECT_NAME
from nemo.core.plugins._precedence import (
    CONTEST,
    KEEP,
    REPLACE,
    Claim,
    Dependencies,
    outcome_message,
    settle,
)
from nemo.core.plugins._records import PluginRecord, PluginStatus
from nemo.core.plugins._registrar import Registrar
from nemo.core.plugins._registry import KINDS, Registration, Registry, singular

TYPE_CHECKING = False  # not typing's: discovery must not import typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    import pluggy

    from nemo.core.plugins._hints import Declaration

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
        # id(registration) -> how its plugin claimed it, and that plugin's record
        self._claims: dict[int, tuple[Claim, PluginRecord]] = {}
        self._dependencies = Dependencies(_CORE_DISTRIBUTION, {})
        self.registries = {
            kind: Registry(kind, self.ensure_loaded, self.explain_missing) for kind in KINDS
        }

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

    def explain_missing(self, kind: str, name: str) -> str:
        """Why ``name`` is not registered although an installed distribution declares it.

        Empty when no installed distribution declares it (:mod:`._hints`).
        """
        from nemo.core.plugins._hints import declarations  # error messages only: not at start-up

        return self.explain_declarations(declarations(kind, name))

    def explain_declarations(self, found: Iterable[Declaration]) -> str:
        reasons = []
        for declaration in found:
            records = [
                r
                for r in self.records()
                if canonical_name(r.distribution) == canonical_name(declaration.distribution)
            ]
            problems = [
                f"its plugin {r.name!r} is {r.status}: {r.errors[0] if r.errors else ''}"
                for r in records
                if r.status != PluginStatus.LOADED
            ]
            if not records:
                problems = ["it has no entry point in the nemo.plugins group"]
            elif not problems:
                problems = ["its plugin loaded but did not register it (an optional requirement?)"]
            reasons.append(
                f"the installed distribution {declaration.distribution} declares "
                f"{declaration.name!r} ({declaration.target}), but " + "; ".join(problems)
            )
        if not reasons:
            return ""
        return " " + ". ".join(reasons).rstrip(".") + ". See `nemo plugins`."

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

    def runtime_registrations(self) -> list[Registration]:
        """The run-time registrations in force, to hand back to
        :meth:`restore_runtime_registrations` (the test kit's isolation)."""
        with self._lock:
            return list(self._runtime)

    def restore_runtime_registrations(self, saved: list[Registration]) -> None:
        with self._lock:
            self._runtime[:] = saved
            self.refresh()

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
        self._claims = {}
        found = plugin_entry_points(ENTRY_POINT_GROUP)
        requires = {canonical_name(info.name): info.requires for _, info in found}
        self._dependencies = Dependencies(_CORE_DISTRIBUTION, requires)
        rank = {name: i for i, name in enumerate(self._dependencies.order(sorted(requires)))}
        found.sort(key=lambda pair: rank[canonical_name(pair[1].name)])  # stable
        for entry_point, info in found:
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
                f"{core_version} from where you got it, or uninstall it",
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
                "from where you installed it, uninstall it, or leave it out "
                f"(NEMO_PLUGINS=-{record.distribution})",
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
                self._claim(record, Claim(registration, override))

    def _claim(self, record: PluginRecord, incoming: Claim) -> None:
        """Give ``incoming``'s names to it, leave them to their holders, or contest them."""
        registration = incoming.registration
        registry = self.registries[registration.kind]
        rivals: list[Claim] = []
        for key in (registration.name, *registration.aliases):
            holder = registry.holder_of(key)
            for held in (*((holder,) if holder else ()), *registry.contenders(key)):
                claim = self._claims[id(held)][0]
                if claim not in rivals:
                    rivals.append(claim)
        verdicts = [settle(rival, incoming, self._dependencies.depends_on) for rival in rivals]
        for rival, verdict in zip(rivals, verdicts, strict=True):
            message = outcome_message(
                singular(registration.kind),
                registration.name,
                verdict,
                rival,
                incoming,
                self._dependencies.depends_on,
            )
            loser_record = self._claims[id(rival.registration)][1] if verdict == REPLACE else record
            self._fault(loser_record, message, fatal=False)
        if KEEP in verdicts:
            return  # it lost to a holder: every name stays as it was
        self._claims[id(registration)] = (incoming, record)
        for rival in rivals:
            rival_record = self._claims[id(rival.registration)][1]
            if rival.registration in rival_record.registrations:
                rival_record.registrations.remove(rival.registration)
        standing = [r.registration for r, v in zip(rivals, verdicts, strict=True) if v == CONTEST]
        if standing:
            registry.contest((*standing, registration), withdrawn=[r.registration for r in rivals])
        else:
            registry.add(registration, override=True)
            record.registrations.append(registration)

    def _fault(self, record: PluginRecord, problem: str, *, fatal: bool) -> None:
        message = f"NeMo {record.label}: {problem}."
        record.errors.append(message)
        if fatal and record.status == PluginStatus.LOADED:
            record.status = PluginStatus.FAILED
        _report(message)


def _report(message: str) -> None:
    """Warn; where warnings are errors (``-W error``), print instead of raising.

    A plugin's fault must not take the process down, whatever the warning filters say.
    """
    import warnings

    try:
        warnings.warn(message, PluginWarning, stacklevel=5)
    except PluginWarning:
        import sys

        print(f"PluginWarning: {message}", file=sys.stderr)


def _importer(module: str) -> Callable[[], Any]:
    def load() -> Any:
        from importlib import import_module

        return import_module(module)

    return load


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _allowed(entry_point_name: str, dist_name: str) -> tuple[bool, str]:
    """Apply ``NEMO_PLUGINS`` and ``NEMO_DISABLE_PLUGIN_AUTOLOAD``.

    ``NEMO_PLUGINS`` lists entry-point or distribution names to load (an allow-list); a name
    written ``-name`` is left out instead, and a list of such names alone loads all others.
    """
    listed = os.environ.get("NEMO_PLUGINS")
    words = [w.strip() for w in (listed or "").split(",") if w.strip()]
    excluded = {canonical_name(w[1:]) for w in words if w.startswith("-")}
    names = {canonical_name(w) for w in words if not w.startswith("-")}
    own = {canonical_name(entry_point_name), canonical_name(dist_name)}
    if excluded & own:
        return False, f"not loaded: NEMO_PLUGINS={listed!r} leaves it out"
    named = bool(names & own)
    if env_flag("NEMO_DISABLE_PLUGIN_AUTOLOAD"):
        if named:
            return True, ""
        return False, "not loaded: NEMO_DISABLE_PLUGIN_AUTOLOAD is set and NEMO_PLUGINS omits it"
    if listed is not None and not named and (names or not excluded):
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
