"""What ``nemo plugins`` reports about each plugin."""

from __future__ import annotations

from nemo.core.plugins._registry import Registration

TYPE_CHECKING = False  # not typing's, and no dataclasses: see _registry
if TYPE_CHECKING:
    from typing import Any

__all__ = ["PluginRecord", "PluginStatus"]


class PluginStatus:
    """Load states of a plugin (plain strings, so they print and serialise as they are)."""

    LOADED = "loaded"
    FAILED = "failed"
    INCOMPATIBLE = "incompatible"
    DISABLED = "disabled"


class PluginRecord:
    """One plugin: the entry point that named it, its distribution and what became of it."""

    __slots__ = (
        "distribution",
        "errors",
        "hooks",
        "name",
        "registrations",
        "status",
        "value",
        "version",
    )

    def __init__(
        self,
        name: str,
        distribution: str,
        version: str,
        value: str,
        status: str = PluginStatus.LOADED,
        errors: list[str] | None = None,
        hooks: list[str] | None = None,
        registrations: list[Registration] | None = None,
    ) -> None:
        self.name = name
        self.distribution = distribution
        self.version = version
        self.value = value
        self.status = status
        self.errors: list[str] = [] if errors is None else errors
        self.hooks: list[str] = [] if hooks is None else hooks
        self.registrations: list[Registration] = [] if registrations is None else registrations

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, field_name) for field_name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, PluginRecord)
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in _FIELDS)
        return f"PluginRecord({fields})"

    @property
    def label(self) -> str:
        """How messages name this plugin: ``plugin 'asr' (nemo-asr 0.1.0)``."""
        return f"plugin {self.name!r} ({self.distribution} {self.version})"

    def to_dict(self) -> dict[str, Any]:
        registered: dict[str, list[str]] = {}
        for registration in self.registrations:
            registered.setdefault(registration.kind, []).append(registration.name)
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "value": self.value,
            "status": self.status,
            "errors": list(self.errors),
            "hooks": list(self.hooks),
            "registered": registered,
        }


_FIELDS = (
    "name",
    "distribution",
    "version",
    "value",
    "status",
    "errors",
    "hooks",
    "registrations",
)
