"""Whether a model is being restored from an archive, and where its artifacts come from.

While ``restore_from`` builds a model, constructors must not build datasets (their paths are
the trainer's, not the user's) and ``register_artifact("...", "nemo:<name>")`` must find the file
inside the archive. The restoring code publishes a :class:`RestoreContext` for the duration.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

__all__ = [
    "ArtifactSource",
    "RestoreContext",
    "current_restore",
    "is_being_restored",
    "not_an_instance_message",
    "restored_instance",
    "restoring",
]


class ArtifactSource(Protocol):
    """Gives the local path of an artifact stored in an archive, extracting it on demand."""

    def artifact_path(self, name: str) -> Path | None:
        """The extracted file for member ``name`` (without ``nemo:``), or None if absent."""


@dataclass(frozen=True)
class RestoreContext:
    restore_path: Path | None
    artifacts: ArtifactSource | None


_CURRENT: ContextVar[RestoreContext | None] = ContextVar("nemo_restore", default=None)


def current_restore() -> RestoreContext | None:
    return _CURRENT.get()


def is_being_restored() -> bool:
    return _CURRENT.get() is not None


@contextmanager
def restoring(context: RestoreContext) -> Iterator[RestoreContext]:
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)


_T = TypeVar("_T")


def not_an_instance_message(cls: type, found: type, source: object) -> str:
    """Why ``cls.restore_from(source)`` refuses an archive of ``found``, and what to call."""
    return (
        f"{source} holds a {found.__module__}.{found.__qualname__}, which is not a "
        f"{cls.__name__}; restore it with {found.__name__}.restore_from (or "
        "ModelPT.restore_from, which takes the class from the archive)"
    )


def restored_instance(cls: type[_T], restored: object, source: object) -> _T:
    """``restored`` if it is a ``cls``: what ``cls.restore_from`` / ``from_pretrained`` promise.

    An archive whose config names an unrelated class is refused rather than returned as
    something the caller did not ask for.
    """
    if not isinstance(restored, cls):
        raise TypeError(not_an_instance_message(cls, type(restored), source))
    return restored
