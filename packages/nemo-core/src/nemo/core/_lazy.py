"""Lazy module attributes, so that importing a package stays cheap.

A package lists its public names and the modules defining them; a name's module is imported the
first time the name is used::

    __getattr__, __dir__ = lazy_exports(__name__, {"ModelPT": ".classes.modelPT"})
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # not typing's: `import nemo.core` must not import typing
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str,
    exports: Mapping[str, str],
    fallback: tuple[Callable[[str], Any], Callable[[], list[str]]] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build a module's ``__getattr__`` and ``__dir__`` for ``exports`` (name → module path).

    ``fallback`` (another ``__getattr__``/``__dir__`` pair) answers the names ``exports`` lacks:
    e.g. classes that plugins register, resolved through the registries.
    """

    def __getattr__(name: str) -> Any:
        module_path = exports.get(name)
        if module_path is None:
            if fallback is not None:
                return fallback[0](name)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(module_path, package)
        value = getattr(module, name)
        importlib.import_module(package).__dict__[name] = value  # later lookups skip this hook
        return value

    def __dir__() -> list[str]:
        names = set(importlib.import_module(package).__dict__) | set(exports)
        if fallback is not None:
            names.update(fallback[1]())
        return sorted(names)

    return __getattr__, __dir__
