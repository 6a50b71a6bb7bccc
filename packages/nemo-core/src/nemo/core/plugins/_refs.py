"""Lazy references: ``"package.module:Attribute"`` strings resolved on first use."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # not typing's: on the start-up path of every `nemo` command
if TYPE_CHECKING:
    from typing import Any

__all__ = ["class_name_of", "describe_target", "is_lazy_ref", "resolve_ref"]


def is_lazy_ref(target: object) -> bool:
    return isinstance(target, str) and ":" in target


def resolve_ref(ref: str) -> Any:
    """Import ``module`` and walk the dotted attribute path after the colon."""
    module_name, _, attr_path = ref.partition(":")
    if not module_name or not attr_path:
        raise ValueError(
            f"invalid lazy reference {ref!r}: write it as 'package.module:Name' "
            "(a module path, a colon, then the attribute)"
        )
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(f"cannot import module {module_name!r} named by {ref!r}: {exc}") from exc
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImportError(
                f"{ref!r}: module {module_name!r} has no attribute {attr_path!r}"
            ) from None
    return obj


def class_name_of(target: object) -> str:
    """The bare class name a reference names (``pkg.mod:Outer.Inner`` → ``Inner``)."""
    return describe_target(target).rpartition(":")[2].rpartition(".")[2]


def describe_target(target: object) -> str:
    """A short human-readable name for a registered target, without importing it."""
    if isinstance(target, str):
        return target
    module = getattr(target, "__module__", None)
    qualname = getattr(target, "__qualname__", None) or type(target).__qualname__
    return f"{module}:{qualname}" if module else qualname
