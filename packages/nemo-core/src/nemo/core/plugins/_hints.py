"""What installed distributions *declare* they register: read from entry-point metadata.

A plugin may list the names it registers, one entry point per name, in the group
``nemo.provides.<kind>`` (``nemo.provides.optimizers``: ``novograd = "pkg.module:Novograd"``).
Nothing is imported or registered from these: they only let an error say which installed
distribution would have provided a name when its plugin failed to load, was left out, or
registered less than it declared. Registrations come from ``nemo_register`` alone.
"""

from __future__ import annotations

from nemo.core.plugins._distributions import plugin_entry_points
from nemo.core.plugins._refs import class_name_of

__all__ = ["DECLARATION_GROUP", "Declaration", "declarations", "declared_by_class"]

DECLARATION_GROUP = "nemo.provides."


class Declaration:
    """One declared name: its distribution, the name and the lazy reference it names."""

    __slots__ = ("distribution", "name", "target")

    def __init__(self, distribution: str, name: str, target: str) -> None:
        self.distribution = distribution
        self.name = name
        self.target = target

    def __repr__(self) -> str:
        return f"Declaration({self.distribution!r}, {self.name!r}, {self.target!r})"


def declarations(kind: str, name: str | None = None) -> list[Declaration]:
    """The installed declarations of ``kind`` (those of ``name`` only, in any case, if given)."""
    folded = None if name is None else name.casefold()
    return [
        Declaration(info.name, point.name, point.value)
        for point, info in plugin_entry_points(DECLARATION_GROUP + kind)
        if folded is None or point.name.casefold() == folded
    ]


def declared_by_class(kinds: tuple[str, ...], class_name: str) -> list[Declaration]:
    """Declarations whose target's class is named ``class_name`` (``nemo.core.optim.Novograd``)."""
    return [
        found
        for kind in kinds
        for found in declarations(kind)
        if class_name_of(found.target) == class_name
    ]
