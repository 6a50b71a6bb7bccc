"""The object a plugin's ``nemo_register`` hook receives."""

from __future__ import annotations

from nemo.core.plugins._registry import Registration, singular

TYPE_CHECKING = False  # not typing's: discovery must not import typing
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = ["PretrainedEntry", "Registrar", "make_registration"]


class PretrainedEntry:
    """A pretrained checkpoint, declared as typed data next to the model class it restores.

    A collection keeps a tuple of these in a light module beside its models (no torch import)
    and its ``nemo_register`` hands them to :meth:`Registrar.pretrained_entries`. ``class_`` is
    the model class or, better, its lazy reference; ``sha256``/``size`` come from
    ``nemo hash file.nemo``.
    """

    __slots__ = ("aliases", "class_", "description", "location", "name", "sha256", "size")

    def __init__(
        self,
        name: str,
        *,
        class_: Any,
        location: str,
        sha256: str | None = None,
        size: int | None = None,
        description: str = "",
        aliases: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.class_ = class_
        self.location = location
        self.sha256 = sha256
        self.size = size
        self.description = description
        self.aliases = aliases

    def __repr__(self) -> str:
        return f"PretrainedEntry({self.name!r}, location={self.location!r})"


class Registrar:
    """Collects one plugin's registrations; nemo-core commits them if the hook succeeds.

    Every method takes the implementation either as the object or, preferably, as a lazy
    reference ``"package.module:Name"`` that is imported only when used.
    """

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.pending: list[tuple[Registration, bool]] = []

    def model(
        self,
        name: str,
        target: Any,
        *,
        aliases: Iterable[str] = (),
        description: str = "",
        override: bool = False,
    ) -> None:
        """Register a model class (a ``ModelPT`` subclass)."""
        self._add("models", name, target, override, aliases=aliases, description=description)

    def optimizer(
        self,
        name: str,
        target: Any,
        params: Any = None,
        *,
        aliases: Iterable[str] = (),
        description: str = "",
        override: bool = False,
    ) -> None:
        """Register a ``torch.optim.Optimizer`` class with its params dataclass."""
        self._add(
            "optimizers", name, target, override,
            params=params, aliases=aliases, description=description,
        )  # fmt: skip

    def scheduler(
        self,
        name: str,
        target: Any,
        params: Any = None,
        *,
        aliases: Iterable[str] = (),
        description: str = "",
        override: bool = False,
    ) -> None:
        """Register a learning-rate scheduler class with its params dataclass."""
        self._add(
            "schedulers", name, target, override,
            params=params, aliases=aliases, description=description,
        )  # fmt: skip

    def tokenizer(
        self,
        name: str,
        target: Any,
        *,
        aliases: Iterable[str] = (),
        description: str = "",
        override: bool = False,
    ) -> None:
        """Register a tokenizer class (a ``TokenizerSpec`` subclass) for ``get_tokenizer``."""
        self._add("tokenizers", name, target, override, aliases=aliases, description=description)

    def pretrained(
        self,
        name: str,
        *,
        class_: Any,
        location: str,
        description: str = "",
        aliases: Iterable[str] = (),
        sha256: str | None = None,
        override: bool = False,
        **extra: Any,
    ) -> None:
        """Register a pretrained checkpoint of model class ``class_`` found at ``location``."""
        info = {"location": location, "sha256": sha256, **extra}
        self._add(
            "pretrained", name, class_, override,
            aliases=aliases, description=description, info=info,
        )  # fmt: skip

    def pretrained_entries(self, entries: Iterable[PretrainedEntry]) -> None:
        """Register every :class:`PretrainedEntry` of ``entries``."""
        for entry in entries:
            extra: dict[str, Any] = {} if entry.size is None else {"size": entry.size}
            self.pretrained(
                entry.name, class_=entry.class_, location=entry.location, sha256=entry.sha256,
                description=entry.description, aliases=entry.aliases, **extra,
            )  # fmt: skip

    def _add(self, kind: str, name: str, target: Any, override: bool, **fields: Any) -> None:
        registration = make_registration(kind, name, target, provider=self.provider, **fields)
        self._accept(registration, override)

    def _accept(self, registration: Registration, override: bool) -> None:
        """Keep the registration until the hook returns (a hook that raises registers nothing)."""
        self.pending.append((registration, override))


def make_registration(
    kind: str,
    name: str,
    target: Any,
    *,
    provider: str,
    params: Any = None,
    aliases: Iterable[str] = (),
    description: str = "",
    info: dict[str, Any] | None = None,
) -> Registration:
    """Validate and build one registration (shared by plugins and the runtime API)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"a {singular(kind)} needs a non-empty string name, got {name!r}")
    if target is None:
        raise ValueError(f"{singular(kind)} {name!r}: the implementation is None")
    return Registration(
        kind=kind,
        name=name,
        target=target,
        params=params,
        aliases=tuple(aliases),
        description=description,
        provider=provider,
        info=info or {},
    )
