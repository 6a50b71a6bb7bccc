"""A plugin module's hook implementations, read the way pluggy reads them, without pluggy.

Discovery needs only ``nemo_register``; building a :class:`pluggy.PluginManager` (importing
pluggy, ``typing`` and ``inspect``, and pluggy's per-plugin ``dir()`` walk) costs more than all
the rest of ``nemo list`` with a hundred plugins installed. So for the common plugin (a module
whose marked hooks are plain module-level functions, no wrappers, arguments the spec knows) the
implementations are read here, with exactly pluggy's rules, and the plugin manager is built
from the same plugin objects when a hook other than ``nemo_register`` is first called. Anything
outside that case (a class or instance as plugin, a method, ``functools.wraps``, a wrapper, a
hook pluggy would reject) returns ``None``: the caller registers it with pluggy at once, so
pluggy decides and words the error exactly as it always did.
"""

from __future__ import annotations

from types import FunctionType, MethodType, ModuleType

from nemo.core.plugins._markers import IMPL_ATTRIBUTE, SPEC_ATTRIBUTE

TYPE_CHECKING = False  # not typing's: discovery must not import typing
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__all__ = ["HookImpl", "hook_specs", "plain_hookimpls"]


class HookImpl:
    """One hook implementation: the hook it implements, the function, the arguments it takes."""

    __slots__ = ("argnames", "attribute", "function", "hook")

    def __init__(
        self, hook: str, function: Callable[..., Any], argnames: tuple[str, ...], attribute: str
    ) -> None:
        self.hook = hook
        self.function = function
        self.argnames = argnames
        self.attribute = attribute


def hook_specs(namespace: ModuleType) -> dict[str, frozenset[str]] | None:
    """Hook name → the argument names its spec accepts, for a module of plain specs."""
    specs: dict[str, frozenset[str]] = {}
    for name, value in vars(namespace).items():
        opts = getattr(value, SPEC_ATTRIBUTE, None) if type(value) is FunctionType else None
        if opts is None:
            continue
        if opts.get("historic") or opts.get("warn_on_impl") or opts.get("warn_on_impl_args"):
            return None  # replayed calls and warnings are pluggy's business
        names = _plain_argnames(value)
        if names is None:
            return None
        specs[name] = frozenset(names[0] + names[1])
    return specs


def plain_hookimpls(plugin: object, specs: Mapping[str, frozenset[str]]) -> list[HookImpl] | None:
    """The implementations pluggy would register for ``plugin``, in its order (by attribute
    name), or ``None`` where only pluggy can tell (see the module's docstring)."""
    if type(plugin) is not ModuleType:
        return None
    namespace = vars(plugin)
    if "__dir__" in namespace:
        return None  # dir() would not be the sorted namespace
    found: list[HookImpl] = []
    for attribute in sorted(namespace):
        value = namespace[attribute]
        if type(value) is not FunctionType:
            if isinstance(value, (staticmethod, classmethod, MethodType)) and _marked(value):
                return None
            continue
        opts = value.__dict__.get(IMPL_ATTRIBUTE)
        if opts is None:
            if "__func__" in value.__dict__:
                return None  # pluggy would look for the marker there
            continue
        if not isinstance(opts, dict):
            continue  # pluggy ignores a marker that is not its options dict
        if opts.get("wrapper") or opts.get("hookwrapper"):
            return None
        names = _plain_argnames(value)
        if names is None:
            return None
        hook = opts.get("specname") or attribute
        accepted = specs.get(hook)
        if accepted is not None and not accepted.issuperset(names[0]):
            return None  # pluggy refuses it, in its own words
        if any(impl.hook == hook for impl in found):
            return None  # the order of two implementations of one hook is pluggy's
        found.append(HookImpl(hook, value, names[0], attribute))
    return found


def _marked(value: object) -> bool:
    holder = getattr(value, "__func__", None)
    return (
        getattr(value, IMPL_ATTRIBUTE, None) is not None
        or getattr(holder, IMPL_ATTRIBUTE, None) is not None
    )


def _plain_argnames(function: FunctionType) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """pluggy's ``varnames`` (positional names without and with defaults) of a module-level
    function that nothing wraps; ``None`` for anything else."""
    if {"__wrapped__", "__signature__", "_partialmethod"} & function.__dict__.keys():
        return None
    if "." in function.__qualname__.rsplit("<locals>.", 1)[-1]:
        return None  # defined in a class: pluggy's rules for an implicit ``self`` apply
    code = function.__code__
    names = code.co_varnames[: code.co_argcount]
    defaults = function.__defaults__ or ()
    if len(defaults) > len(names):
        return None
    split = len(names) - len(defaults)
    return names[:split], names[split:]
