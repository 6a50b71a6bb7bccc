"""``PretrainedModelInfo``: what a registered checkpoint is, where it lives, how to check it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import total_ordering
from typing import Any

from nemo.core.plugins._refs import describe_target, is_lazy_ref
from nemo.core.plugins._registry import RUNTIME_PROVIDER, Registration

__all__ = ["PretrainedModelInfo"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Keys of a registration's ``info`` that have a field of their own; the rest goes to ``extra``.
_OWN_KEYS = ("location", "sha256", "size")


class _ModelClass:
    """The ``class_`` field: a class, or a lazy reference that is imported on first read.

    Listing pretrained models builds infos for every registered checkpoint; importing each
    model class then would import every collection. The reference is kept as registered and
    resolved only when ``info.class_`` is read (``from_pretrained`` reads it to restore).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}value"

    def __get__(self, info: PretrainedModelInfo | None, owner: type | None = None) -> Any:
        if info is None:
            return None  # the dataclass field's default
        value = info.__dict__.get(self._slot)
        if is_lazy_ref(value):
            registration = Registration(
                kind="pretrained",
                name=info.pretrained_model_name,
                target=value,
                provider=info.provider or RUNTIME_PROVIDER,
            )
            value = registration.load()  # its ImportError names the provider and the fix
            info.__dict__[self._slot] = value
        return value

    def __set__(self, info: PretrainedModelInfo, value: Any) -> None:
        info.__dict__[self._slot] = value

    def reference(self, info: PretrainedModelInfo) -> str | None:
        value = info.__dict__.get(self._slot)
        return None if value is None else describe_target(value)


@total_ordering
@dataclass(eq=False, repr=False)
class PretrainedModelInfo:
    """One pretrained checkpoint: its name, where to fetch it, and the model class it restores.

    Compatible with NeMo's: the first five fields keep their names and order, instances sort by
    name, hash by location, and compare equal when their locations *or* their names are equal
    (NeMo's rule, kept so that ``set()`` and ``in`` behave as NeMo users expect; note that two
    infos with one name and different locations are equal but hash differently).

    :param class_: the model class, or a lazy reference ``"package.module:Class"`` imported
        when ``class_`` is first read. :attr:`class_ref` names it without importing.
    :param sha256: the file's hex digest. When given, the download is verified, and the cache
        entry is keyed by it, so that mirrors share one copy and it survives toolkit upgrades.
    :param size: the file's size in bytes, if known: checked cheaply before hashing.
    :param provider: the distribution that registered it (``None`` for one made by hand).
    :param extra: any other registered fields (license, language, …).
    """

    pretrained_model_name: str
    description: str
    location: str
    class_: _ModelClass = _ModelClass()
    aliases: list[str] | None = None
    sha256: str | None = None
    size: int | None = None
    provider: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"pretrained model {self.pretrained_model_name!r}" + (
            f" (registered by {self.provider})" if self.provider else ""
        )
        if not isinstance(self.pretrained_model_name, str) or not self.pretrained_model_name:
            raise ValueError(f"{where}: the name must be a non-empty string")
        if not isinstance(self.location, str) or not self.location.strip():
            raise ValueError(f"{where}: location must be a non-empty string, got {self.location!r}")
        if self.sha256 is not None:
            digest = str(self.sha256).strip().lower()
            if not _SHA256.match(digest):
                raise ValueError(
                    f"{where}: sha256 must be 64 hexadecimal digits, got {self.sha256!r}; "
                    "compute it with `sha256sum FILE` or leave it out"
                )
            self.sha256 = digest
        if self.size is not None and (
            not isinstance(self.size, int) or isinstance(self.size, bool) or self.size < 0
        ):
            raise ValueError(f"{where}: size must be a number of bytes (int), got {self.size!r}")
        if self.aliases is not None:
            self.aliases = list(self.aliases)

    @classmethod
    def from_registration(cls, registration: Registration) -> PretrainedModelInfo:
        """The info of a checkpoint registered through ``registrar.pretrained`` (no import)."""
        info = dict(registration.info)
        return cls(
            pretrained_model_name=registration.name,
            description=registration.description,
            location=info.get("location", ""),
            class_=registration.target,
            aliases=list(registration.aliases),
            sha256=info.get("sha256"),
            size=info.get("size"),
            provider=registration.provider,
            extra={k: v for k, v in info.items() if k not in _OWN_KEYS},
        )

    @property
    def class_ref(self) -> str | None:
        """``"package.module:Class"`` of the model class, without importing it."""
        return type(self).__dict__["class_"].reference(self)  # type: ignore[no-any-return]

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.pretrained_model_name, *(self.aliases or ()))

    def __hash__(self) -> int:
        return hash(self.location)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PretrainedModelInfo):
            return NotImplemented
        return (
            self.location == other.location
            or self.pretrained_model_name == other.pretrained_model_name
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PretrainedModelInfo):
            return NotImplemented
        return self.pretrained_model_name < other.pretrained_model_name

    def __repr__(self) -> str:
        fields = [
            f"pretrained_model_name={self.pretrained_model_name!r}",
            f"description={self.description!r}",
            f"location={self.location!r}",
        ]
        if self.class_ref is not None:
            fields.append(f"class_={self.class_ref!r}")
        if self.sha256 is not None:
            fields.append(f"sha256={self.sha256!r}")
        return f"{type(self).__name__}({', '.join(fields)})"
