"""A registry seen as a read-only mapping of loaded objects (``AVAILABLE_OPTIMIZERS``, ...).

Its own module, imported on first use, because ``collections.abc`` is not free at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

__all__ = ["LoadedView"]


class _Names(Protocol):
    """What the view reads of a registry; a protocol, so that this module needs no registry."""

    def load(self, name: str) -> Any: ...
    def names(self) -> list[str]: ...
    def __len__(self) -> int: ...
    def __contains__(self, name: object) -> bool: ...


class LoadedView(Mapping[str, Any]):
    """Live: names registered later appear; a value is imported when first looked up."""

    def __init__(self, registry: _Names) -> None:
        self._registry = registry

    def __getitem__(self, name: str) -> Any:
        return self._registry.load(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._registry.names())

    def __len__(self) -> int:
        return len(self._registry)

    def __contains__(self, name: object) -> bool:
        return name in self._registry

    def __repr__(self) -> str:
        return f"{{{', '.join(repr(n) for n in self._registry.names())}}}"
