"""Module attributes that plugins provide: ``from nemo.core.config import NovogradParams``.

NeMo defined its optimizers, schedulers and their params dataclasses inside ``nemo.core``; here
nemo-optim (or any plugin) registers them. So that NeMo-style imports keep working, a module
built with :func:`registered_exports` answers an unknown attribute with the object registered
under that *class* name, found from the lazy references without importing anything else. No
table of names is kept here: whatever the installed plugins register is what resolves.

When the name is not registered, the error says which installed distribution declares it and
why its plugin did not provide it, or that no installed plugin registers such names at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["MissingDistributionError", "registered_exports"]


class MissingDistributionError(ImportError):
    """A name is declared by a distribution whose plugin did not load, or no plugin registers
    anything of its kind.

    An ``ImportError`` so that ``from … import Name`` shows this message (Python replaces an
    ``AttributeError`` there by a bare "cannot import name").
    """


def _explain(kinds: tuple[str, ...], class_name: str) -> str:
    from nemo.core.plugins._hints import declared_by_class
    from nemo.core.plugins._manager import system

    return system.explain_declarations(declared_by_class(kinds, class_name))


def registered_exports(
    package: str,
    sources: tuple[tuple[str, bool], ...],
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__``/``__dir__`` resolving class names through the registries.

    ``sources`` lists ``(kind, params)`` pairs searched in order: ``("optimizers", False)``
    finds optimizer classes, ``("optimizers", True)`` their params dataclasses.
    """
    import importlib

    def __getattr__(name: str) -> Any:
        from nemo.core.plugins import get_registry

        if name.startswith("__"):  # import machinery probes (__path__, __wrapped__, …)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        for kind, params in sources:
            found = get_registry(kind).find_class(name, params=params)
            if found is not None:
                return found
        kinds = tuple(dict.fromkeys(kind for kind, _ in sources))
        explained = _explain(kinds, name)
        if explained:
            raise MissingDistributionError(f"{package}.{name} is not registered:{explained}")
        if not any(get_registry(kind).names() for kind in kinds):
            raise MissingDistributionError(
                f"{package}.{name} is not registered: no installed plugin registers any "
                f"{' or '.join(kinds)} (NeMo's own come with the nemo-optim plugin; "
                "`nemo plugins` shows what is installed)"
            )
        raise AttributeError(
            f"module {package!r} has no attribute {name!r}, and no installed plugin registers "
            f"a class of that name (see `nemo list {kinds[0]}`)"
        )

    def __dir__() -> list[str]:
        from nemo.core.plugins import get_registry
        from nemo.core.plugins._refs import class_name_of

        names = set(importlib.import_module(package).__dict__)
        for kind, params in sources:
            for entry in get_registry(kind).entries():
                ref = entry.params if params else entry.target
                if ref is not None:
                    names.add(class_name_of(ref))
        return sorted(names)

    return __getattr__, __dir__
