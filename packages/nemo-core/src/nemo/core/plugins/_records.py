"""What ``nemo plugins`` reports about each plugin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nemo.core.plugins._registry import Registration

__all__ = ["PluginRecord", "PluginStatus"]


class PluginStatus:
    """Load states of a plugin (plain strings, so they print and serialise as they are)."""

    LOADED = "loaded"
    FAILED = "failed"
    INCOMPATIBLE = "incompatible"
    DISABLED = "disabled"


@dataclass
class PluginRecord:
    """One plugin: the entry point that named it, its distribution and what became of it."""

    name: str
    distribution: str
    version: str
    value: str
    status: str = PluginStatus.LOADED
    errors: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)

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
