"""The object a plugin's ``nemo_register`` hook receives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nemo.core.plugins._registry import Registration

__all__ = ["Registrar"]


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
        self._add("models", name, target, None, aliases, description, override, {})

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
        self._add("optimizers", name, target, params, aliases, description, override, {})

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
        self._add("schedulers", name, target, params, aliases, description, override, {})

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
        self._add("pretrained", name, class_, None, aliases, description, override, info)

    def _add(
        self,
        kind: str,
        name: str,
        target: Any,
        params: Any,
        aliases: Iterable[str],
        description: str,
        override: bool,
        info: dict[str, Any],
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a {kind[:-1]} needs a non-empty string name, got {name!r}")
        if target is None:
            raise ValueError(f"{kind[:-1]} {name!r}: the implementation is None")
        registration = Registration(
            kind=kind,
            name=name,
            target=target,
            params=params,
            aliases=tuple(aliases),
            description=description,
            provider=self.provider,
            info=info,
        )
        self.pending.append((registration, override))
