"""Grapheme tokens for synthesis, on nemo-core's tokenizer contract (NeMo's class name).

Ids are stable across versions of the normaliser: padding first, then space, the letters, the
apostrophe and the kept punctuation. Anything else maps to ``<oov>`` (the normaliser has
already dropped and reported what it could not speak).
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence

from nemo.core.classes.common import Serialization
from nemo.core.tokenizers import TokenizerSpec

__all__ = ["EnglishCharsTokenizer"]

_PAD = "<pad>"
_OOV = "<oov>"
_PUNCTUATION = ",.?!-"


class EnglishCharsTokenizer(TokenizerSpec, Serialization):
    """Lower-case English letters, space, apostrophe and ``,.?!-``; ``pad_id`` is 0."""

    def __init__(self, punct: bool = True) -> None:
        chars = [" ", *string.ascii_lowercase, "'", *(_PUNCTUATION if punct else "")]
        self.tokens: list[str] = [_PAD, *chars, _OOV]
        self._ids = {token: index for index, token in enumerate(self.tokens)}
        self.punct = punct

    def text_to_tokens(self, text: str) -> list[str]:
        return [c if c in self._ids else _OOV for c in text.lower()]

    def tokens_to_text(self, tokens: Sequence[str]) -> str:
        return "".join(t for t in tokens if t not in (_PAD, _OOV))

    def tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        oov = self._ids[_OOV]
        return [self._ids.get(token, oov) for token in tokens]

    def ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.tokens[int(i)] for i in ids]

    def text_to_ids(self, text: str) -> list[int]:
        return self.tokens_to_ids(self.text_to_tokens(text))

    def ids_to_text(self, ids: Sequence[int]) -> str:
        return self.tokens_to_text(self.ids_to_tokens(ids))

    encode = text_to_ids  # NeMo's TTS tokenizers call it encode

    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    @property
    def special_ids(self) -> Mapping[str, int]:
        return {"pad": 0, "unk": self._ids[_OOV]}
