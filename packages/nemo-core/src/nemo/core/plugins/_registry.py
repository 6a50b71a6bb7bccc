"""Registries of named, lazily imported implementations."""

from __future__ import annotations

from _thread import RLock

from nemo.core.plugins._errors import RegistrationConflictError, UnknownNameError
from nemo.core.plugins._refs import class_name_of, describe_target, is_lazy_ref, resolve_ref
from nemo.utils._suggest import close_matches

# Not typing's, and no dataclasses: listing the registries is the start-up path of `nemo list`
# and of every model lookup, and those imports (typing, inspect) would dominate it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

__all__ = ["KINDS", "RUNTIME_PROVIDER", "Registration", "Registry", "singular"]

KINDS = ("models", "optimizers", "schedulers", "tokenizers", "pretrained")
RUNTIME_PROVIDER = "<runtime>"


def singular(kind: str) -> str:
    """How messages name one entry of ``kind``: "optimizer", "pretrained model"."""
    return "pretrained model" if kind == "pretrained" else kind.removesuffix("s")


class Registration:
    """One named thing a plugin (or a script, at run time) registered; immutable.

    ``target`` and ``params`` are either the objects themselves or lazy references
    (``"pkg.module:Name"``); :meth:`load` and :meth:`load_params` import on first use.
    ``info`` carries kind-specific data that needs no import (a pretrained model's location,
    sha256, …).
    """

    __slots__ = ("aliases", "description", "info", "kind", "name", "params", "provider", "target")
    _FIELDS = ("kind", "name", "target", "params", "aliases", "description", "provider", "info")

    kind: str
    name: str
    target: Any
    params: Any
    aliases: tuple[str, ...]
    description: str
    provider: str
    info: Mapping[str, Any]

    def __init__(
        self,
        kind: str,
        name: str,
        target: Any,
        params: Any = None,
        aliases: tuple[str, ...] = (),
        description: str = "",
        provider: str = RUNTIME_PROVIDER,
        info: Mapping[str, Any] | None = None,
    ) -> None:
        # Spelled out, not looped over _FIELDS: discovery builds hundreds of these.
        _set = object.__setattr__
        _set(self, "kind", kind)
        _set(self, "name", name)
        _set(self, "target", target)
        _set(self, "params", params)
        _set(self, "aliases", aliases)
        _set(self, "description", description)
        _set(self, "provider", provider)
        _set(self, "info", info or {})

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a Registration is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a Registration is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, field_name) for field_name in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Registration)
        return self._values() == other._values()

    def __hash__(self) -> int:  # like a frozen dataclass: a dict ``info`` makes it unhashable
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._FIELDS)
        return f"Registration({fields})"

    def load(self) -> Any:
        return _load(self.target, self)

    def load_params(self) -> Any:
        return None if self.params is None else _load(self.params, self)

    @property
    def target_name(self) -> str:
        return describe_target(self.target)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (what ``nemo list --json`` prints)."""
        data: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "target": self.target_name,
            "params": None if self.params is None else describe_target(self.params),
            "aliases": list(self.aliases),
            "description": self.description,
            "provider": self.provider,
        }
        data.update({key: value for key, value in self.info.items() if key not in data})
        return data


def _load(target: Any, registration: Registration) -> Any:
    if not is_lazy_ref(target):
        return target
    try:
        return resolve_ref(target)
    except ImportError as exc:
        raise ImportError(
            f"{singular(registration.kind)} {registration.name!r} registered by "
            f"{registration.provider} cannot be loaded: {exc}. "
            f"Reinstall or upgrade {registration.provider}."
        ) from exc


class Registry:
    """Names → :class:`Registration`, for one kind.

    Lookups go through ``ensure_loaded`` so that plugins are discovered on first use. Names are
    exact first, then aliases, then a case-insensitive match if exactly one entry has it.
    """

    def __init__(
        self,
        kind: str,
        ensure_loaded: Callable[[], None],
        explain_missing: Callable[[str, str], str] | None = None,
    ) -> None:
        self.kind = kind
        self._ensure_loaded = ensure_loaded
        self._explain_missing = explain_missing
        self._entries: dict[str, Registration] = {}
        self._aliases: dict[str, str] = {}
        # name or alias -> the registrations that claim it with equal standing (see _precedence)
        self._contested: dict[str, tuple[Registration, ...]] = {}
        self._lock = RLock()

    # -- reading -------------------------------------------------------------------------

    def get(self, name: str) -> Registration:
        self._ensure_loaded()
        with self._lock:
            found = self._find(name)
            contenders = self._contested_under(name) if found is None else None
        if contenders:
            raise RegistrationConflictError(self._contested_message(name, contenders))
        if found is None:
            raise UnknownNameError(self._unknown_message(name), kind=self.kind, name=name)
        return found

    def load(self, name: str) -> Any:
        """The registered object itself, imported if it was registered by reference."""
        return self.get(name).load()

    def names(self, pattern: str | None = None) -> list[str]:
        return [entry.name for entry in self.entries(pattern)]

    def entries(self, pattern: str | None = None) -> list[Registration]:
        """Registrations whose name or an alias matches the fnmatch ``pattern`` (any case)."""
        self._ensure_loaded()
        with self._lock:
            entries = list(self._entries.values())
        if pattern:
            from fnmatch import fnmatchcase

            folded = pattern.casefold()
            entries = [
                e
                for e in entries
                if any(fnmatchcase(n.casefold(), folded) for n in (e.name, *e.aliases))
            ]
        return sorted(entries, key=lambda e: e.name.casefold())

    def find_class(self, class_name: str, *, params: bool = False) -> Any:
        """The implementation (or, with ``params``, the params dataclass) whose class is named
        ``class_name``, or ``None``; found from the references, so only that one is imported.

        How ``from nemo.core.optim import Novograd`` resolves without a table of names.
        """
        for entry in self.entries():
            ref = entry.params if params else entry.target
            if ref is not None and class_name_of(ref) == class_name:
                return entry.load_params() if params else entry.load()
        return None

    def view(self) -> Mapping[str, Any]:
        """A live read-only mapping name → loaded object (used by ``AVAILABLE_*``)."""
        from nemo.core.plugins._view import LoadedView

        return LoadedView(self)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        self._ensure_loaded()
        with self._lock:
            return self._find(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.kind}: {len(self._entries)} entries>"

    # -- writing (used by the plugin manager and the runtime API) --------------------------

    def holder_of(self, name: str) -> Registration | None:
        """Who holds ``name`` (as a name or an alias), without triggering discovery."""
        with self._lock:
            key = name if name in self._entries else self._aliases.get(name)
            return None if key is None else self._entries[key]

    def add(self, registration: Registration, *, override: bool = False) -> None:
        """Add a registration; a held name raises unless ``override`` is set."""
        with self._lock:
            clashes = {
                held.name: held
                for key in (registration.name, *registration.aliases)
                if (held := self.holder_of(key)) is not None
            }
            keys = (registration.name, *registration.aliases)
            contested = [key for key in keys if key in self._contested]
            if (clashes or contested) and not override:
                first = next(iter(clashes.values()), None) or self._contested[contested[0]][0]
                raise RegistrationConflictError(
                    f"{singular(self.kind)} {registration.name!r} is already registered by "
                    f"{first.provider} (as {first.target_name}); pass override=True to replace "
                    "it, or choose another name"
                )
            for held in clashes.values():
                self._remove(held)
            for key in contested:
                del self._contested[key]
            self._entries[registration.name] = registration
            for alias in registration.aliases:
                self._aliases[alias] = registration.name

    def contenders(self, name: str) -> tuple[Registration, ...]:
        """The registrations that contest ``name`` (empty when nobody does)."""
        with self._lock:
            return self._contested.get(name, ())

    def contest(
        self, registrations: tuple[Registration, ...], withdrawn: Iterable[Registration] = ()
    ) -> None:
        """Withdraw ``withdrawn`` and make every name of ``registrations`` raise on lookup."""
        with self._lock:
            for registration in (*withdrawn, *registrations):
                self._remove(registration)
            for registration in registrations:
                for key in (registration.name, *registration.aliases):
                    self._contested[key] = registrations

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._aliases.clear()
            self._contested.clear()

    # -- helpers ---------------------------------------------------------------------------

    def _remove(self, registration: Registration) -> None:
        self._entries.pop(registration.name, None)
        for alias in registration.aliases:
            if self._aliases.get(alias) == registration.name:
                del self._aliases[alias]

    def _find(self, name: str) -> Registration | None:
        held = self.holder_of(name)
        if held is not None:
            return held
        folded = name.casefold()
        matches = [
            e
            for e in self._entries.values()
            if any(n.casefold() == folded for n in (e.name, *e.aliases))
        ]
        return matches[0] if len(matches) == 1 else None

    def _contested_under(self, name: str) -> tuple[Registration, ...]:
        if name in self._contested:
            return self._contested[name]
        folded = name.casefold()
        return next((c for k, c in self._contested.items() if k.casefold() == folded), ())

    def _contested_message(self, name: str, contenders: tuple[Registration, ...]) -> str:
        providers = " and ".join(f"{c.provider} ({c.target_name})" for c in contenders)
        return (
            f"{singular(self.kind)} {name!r} is registered by {providers}, and none of them "
            "takes precedence (none depends on another, and the override=True flags are equal): "
            "leave all but one out (NEMO_PLUGINS=-<distribution>) or uninstall them; `nemo "
            "plugins` shows the clash"
        )

    def _unknown_message(self, name: str) -> str:
        message = f"unknown {singular(self.kind)} {name!r}."
        if self._explain_missing is not None:
            message += self._explain_missing(self.kind, name)
        with self._lock:
            candidates = {n: e.name for e in self._entries.values() for n in (e.name, *e.aliases)}
        close = close_matches(name, candidates)
        if close:
            message += " Did you mean: " + ", ".join(repr(c) for c in close) + "?"
        available = sorted({e for e in candidates.values()}, key=str.casefold)
        message += (
            f" Available {self.kind}: " + (", ".join(available) if available else "none") + "."
        )
        return message
