"""Errors and warnings of the plugin system."""

from __future__ import annotations

__all__ = ["PluginWarning", "RegistrationConflictError", "UnknownNameError"]


class PluginWarning(UserWarning):
    """A plugin could not be loaded or used; every other plugin keeps working."""


class UnknownNameError(KeyError, ValueError):
    """A registry has no entry under the requested name.

    A ``KeyError`` for mapping-style callers and a ``ValueError`` for NeMo-style callers
    (``get_optimizer`` raised ``ValueError`` for an unknown name).
    """

    def __init__(self, message: str, *, kind: str, name: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.name = name

    def __str__(self) -> str:  # KeyError would show the repr of the message
        return self.message


class RegistrationConflictError(ValueError):
    """A name is already registered and ``override=True`` was not given."""
