"""The tokenizer contract: what every collection may call on a tokenizer, with NeMo's names.

A tokenizer turns text into tokens (strings) and ids (ints) and back. Special tokens are
exposed as ids (``pad_id``, ``unk_id``, ``bos_id``, ``eos_id``, ``cls_id``, ``sep_id``,
``mask_id``); a tokenizer that has no such token answers ``None``, never a sentinel like -1,
so that ``if tokenizer.cls_id is None`` is the one test a model needs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

__all__ = ["TokenizerSpec"]


class TokenizerSpec(ABC):
    """Text ↔ tokens ↔ ids. Subclass it and register the class (``registrar.tokenizer``)."""

    @abstractmethod
    def text_to_tokens(self, text: str) -> list[str]: ...

    @abstractmethod
    def tokens_to_text(self, tokens: Sequence[str]) -> str: ...

    @abstractmethod
    def tokens_to_ids(self, tokens: Sequence[str]) -> list[int]: ...

    @abstractmethod
    def ids_to_tokens(self, ids: Sequence[int]) -> list[str]: ...

    @abstractmethod
    def text_to_ids(self, text: str) -> list[int]: ...

    @abstractmethod
    def ids_to_text(self, ids: Sequence[int]) -> str: ...

    @property
    @abstractmethod
    def vocab_size(self) -> int:
        """How many ids there are (special tokens included): the embedding table's size."""

    @property
    def vocab(self) -> list[str]:
        """Every token, in id order."""
        return self.ids_to_tokens(range(self.vocab_size))

    def token_to_id(self, token: str) -> int:
        return self.tokens_to_ids([token])[0]

    def add_special_tokens(self, special_tokens: object) -> None:
        raise NotImplementedError(
            f"{self.name} cannot add special tokens after it is built: pass special_tokens "
            "when you create it (get_tokenizer(..., special_tokens=...))"
        )

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def special_ids(self) -> Mapping[str, int]:
        """Role (``pad``, ``unk``, ``bos``, ``eos``, ``cls``, ``sep``, ``mask``) → id, for the
        roles this tokenizer has; the ``*_id`` properties read it."""
        return {}

    @property
    def pad_id(self) -> int | None:
        return self.special_ids.get("pad")

    @property
    def unk_id(self) -> int | None:
        return self.special_ids.get("unk")

    @property
    def bos_id(self) -> int | None:
        return self.special_ids.get("bos")

    @property
    def eos_id(self) -> int | None:
        return self.special_ids.get("eos")

    @property
    def cls_id(self) -> int | None:
        return self.special_ids.get("cls")

    @property
    def sep_id(self) -> int | None:
        return self.special_ids.get("sep")

    @property
    def mask_id(self) -> int | None:
        return self.special_ids.get("mask")
