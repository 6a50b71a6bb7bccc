"""Which registered checkpoints belong to a model class, decided without needless imports.

``list_available_models()`` on a class lists the checkpoints of that class and its subclasses.
Checkpoints are registered by lazy reference (``"pkg.module:Class"``), and importing every
referenced class to ask ``issubclass`` would import every collection (and torch models) just to
print a list. Instead, for a checkpoint whose class module is not imported yet:

* a class can only derive from ``base`` if its module can import ``base``'s module, so its
  distribution must be ``base``'s distribution or depend on it (transitively, through the
  installed distributions' ``Requires-Dist``). Classes of other distributions are skipped
  without importing them: ``EncDecCTCModel.list_available_models()`` never imports nemo-tts;
* the remaining candidates are imported and checked with ``issubclass``, which is exact.

A package's distribution is known by its plugin module (the entry point names a module inside
the distribution's own package), by ``importlib.metadata``'s package table, or by a distribution
named like the package. A ``base`` that belongs to no installed distribution (defined in a
script, a notebook, a test) cannot be imported by an installed one, so only checkpoints of its
own package or registered at run time can be of a subclass. Classes that nemo-core defines
(``Model``, ``ModelPT``) list every checkpoint and import nothing.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Iterable
from functools import cache, cached_property

from nemo.core import plugins
from nemo.core.plugins import PluginWarning, Registration, UnknownNameError
from nemo.core.plugins._distributions import canonical_name, split_requirement
from nemo.core.plugins._refs import is_lazy_ref
from nemo.core.plugins._registry import RUNTIME_PROVIDER
from nemo.core.pretrained._errors import PretrainedModelNotFoundError
from nemo.core.pretrained._info import PretrainedModelInfo

__all__ = ["get_pretrained_info", "lists_every_model", "list_pretrained"]

_CORE_PACKAGE = "nemo.core"


def lists_every_model(model_class: type | None) -> bool:
    """``None`` and nemo-core's own classes (``Model``, ``ModelPT``) stand for every model."""
    if model_class is None:
        return True
    module = model_class.__module__
    return module == _CORE_PACKAGE or module.startswith(_CORE_PACKAGE + ".")


def list_pretrained(
    model_class: type | None = None, pattern: str | None = None
) -> list[PretrainedModelInfo]:
    """Registered checkpoints of ``model_class`` and its subclasses, sorted by name.

    :param pattern: an fnmatch pattern on names and aliases, any case (``'*ctc*'``).
    """
    entries = plugins.pretrained.entries(pattern)
    if not lists_every_model(model_class):
        assert model_class is not None
        entries = list(_Lineage(model_class).select(entries))
    return sorted(info for info in map(_valid_info, entries) if info is not None)


def _valid_info(registration: Registration) -> PretrainedModelInfo | None:
    """The entry's info; a malformed registration is reported (naming its provider) and left out."""
    try:
        return PretrainedModelInfo.from_registration(registration)
    except ValueError as exc:
        warnings.warn(f"NeMo: {exc}; it is not listed.", PluginWarning, stacklevel=3)
        return None


def get_pretrained_info(name: str, model_class: type | None = None) -> PretrainedModelInfo:
    """The checkpoint registered as ``name`` (or an alias), which must be a ``model_class``."""
    try:
        registration = plugins.pretrained.get(name)
    except UnknownNameError as exc:
        raise PretrainedModelNotFoundError(exc.message, kind=exc.kind, name=name) from None
    if not lists_every_model(model_class):
        assert model_class is not None
        lineage = _Lineage(model_class)
        if not lineage.includes(registration):
            own = [e.name for e in lineage.select(plugins.pretrained.entries())]
            raise PretrainedModelNotFoundError(
                f"pretrained model {registration.name!r} ({registration.provider}) restores "
                f"{registration.target_name}, which is not {model_class.__qualname__} or a "
                "subclass of it: call from_pretrained on its class, or on ModelPT. "
                f"Pretrained models of {model_class.__qualname__}: "
                f"{', '.join(own) if own else 'none'}.",
                kind="pretrained",
                name=name,
            )
    return PretrainedModelInfo.from_registration(registration)


class _Lineage:
    """Answers "is this registration's class ``base`` or a subclass of it?"."""

    def __init__(self, base: type) -> None:
        self.base = base
        self.base_ref = f"{base.__module__}:{base.__qualname__}"
        self._base_root = _root_package(base.__module__)
        self._installed = _Installed()

    def select(self, entries: Iterable[Registration]) -> Iterable[Registration]:
        return (entry for entry in entries if self.includes(entry))

    def includes(self, registration: Registration) -> bool:
        target = registration.target
        if not is_lazy_ref(target):
            return isinstance(target, type) and issubclass(target, self.base)
        if target == self.base_ref:
            return True
        module = target.partition(":")[0]
        if module not in sys.modules and not self._may_derive(module, registration.provider):
            return False
        try:
            loaded = registration.load()
        except ImportError as exc:
            warnings.warn(
                f"NeMo: cannot tell whether pretrained model {registration.name!r} is a "
                f"{self.base.__qualname__}, so it is not listed: {exc}",
                PluginWarning,
                stacklevel=4,
            )
            return False
        return isinstance(loaded, type) and issubclass(loaded, self.base)

    def _may_derive(self, module: str, provider: str) -> bool:
        """Whether a class in (not yet imported) ``module`` could import ``base``'s module."""
        root = _root_package(module)
        if root == self._base_root or provider == RUNTIME_PROVIDER:
            return True  # same package; or the user registered it in this very process
        base_dist = self._base_distribution
        if base_dist is None:
            return False  # no installed distribution can import a script's classes
        dist = self._installed.distribution_of(root) or canonical_name(provider)
        return self._installed.depends_on(dist, base_dist)

    @cached_property
    def _base_distribution(self) -> str | None:
        return self._installed.distribution_of(self._base_root)


class _Installed:
    """What one listing learns about installed distributions, looked up once each."""

    def __init__(self) -> None:
        self._owners: dict[str, str | None] = {}
        self._requirements: dict[str, list[str]] = {}

    @cached_property
    def _plugin_roots(self) -> dict[str, str]:
        """Root package of each plugin's entry-point module → its distribution."""
        return {
            _root_package(record.value.partition(":")[0]): canonical_name(record.distribution)
            for record in plugins.list_plugins()
        }

    @cached_property
    def _package_table(self) -> dict[str, list[str]]:
        from importlib.metadata import packages_distributions

        return dict(packages_distributions())

    def distribution_of(self, root_package: str) -> str | None:
        """The (canonical) name of the distribution providing ``root_package``, if known."""
        if root_package not in self._owners:
            self._owners[root_package] = self._find_owner(root_package)
        return self._owners[root_package]

    def _find_owner(self, root_package: str) -> str | None:
        from importlib.metadata import PackageNotFoundError, distribution

        if root_package in self._plugin_roots:
            return self._plugin_roots[root_package]
        top = root_package.partition(".")[0]
        candidates = self._package_table.get(top, [])
        if len(candidates) == 1:
            return canonical_name(candidates[0])
        try:  # editable installs list no package files; their name usually matches the package
            return canonical_name(str(distribution(top).metadata["Name"]))
        except PackageNotFoundError:
            return None

    def depends_on(self, dist: str, base_dist: str) -> bool:
        """Whether ``dist`` is ``base_dist`` or requires it, directly or through others."""
        seen: set[str] = set()
        pending = [dist]
        while pending:
            current = pending.pop()
            if current == base_dist:
                return True
            if current not in seen:
                seen.add(current)
                pending.extend(self._requires(current))
        return False

    def _requires(self, dist: str) -> list[str]:
        from importlib.metadata import PackageNotFoundError, requires

        if dist not in self._requirements:
            try:
                lines = requires(dist) or []
            except PackageNotFoundError:
                lines = []
            self._requirements[dist] = [canonical_name(split_requirement(x)[0]) for x in lines]
        return self._requirements[dist]


@cache
def _root_package(module: str) -> str:
    """The outermost regular package of ``module``: namespace packages (``nemo``,
    ``nemo.collections``) are shared by several distributions, so they are skipped."""
    parts = module.split(".")
    for end in range(1, len(parts) + 1):
        name = ".".join(parts[:end])
        if not _is_namespace(name):
            return name
    return module


def _is_namespace(name: str) -> bool:
    loaded = sys.modules.get(name)
    if loaded is not None:
        return getattr(loaded, "__file__", None) is None and hasattr(loaded, "__path__")
    try:
        spec = importlib.util.find_spec(name)  # imports the parents only: namespaces, cheap
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.origin is None and spec.submodule_search_locations is not None
