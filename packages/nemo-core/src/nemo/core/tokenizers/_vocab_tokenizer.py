"""The tokenizers whose whole model is a vocabulary file: characters and words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from nemo.core.tokenizers._special import BERT_SPECIAL_TOKENS
from nemo.core.tokenizers._vocabulary import (
    TokenTable,
    no_text_error,
    read_vocab_file,
    write_vocab_file,
)
from nemo.core.tokenizers.tokenizer_spec import TokenizerSpec

__all__ = ["VocabularyTokenizer"]


class VocabularyTokenizer(TokenizerSpec):
    """Splits text into units (:meth:`split`) and looks each up in ``vocab_file``."""

    separator = ""

    def __init__(
        self, vocab_file: str | Path, special_tokens: Mapping[str, str] | None = None
    ) -> None:
        self.vocab_file = str(vocab_file)
        self._table = TokenTable(read_vocab_file(vocab_file), special_tokens)

    @staticmethod
    def split(text: str) -> list[str]:
        raise NotImplementedError

    @property
    def vocab_size(self) -> int:
        return len(self._table.tokens)

    @property
    def special_ids(self) -> Mapping[str, int]:
        return self._table.special_ids

    def text_to_tokens(self, text: str) -> list[str]:
        return self.split(text)

    def tokens_to_text(self, tokens: Sequence[str]) -> str:
        return self.separator.join(tokens)

    def tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return self._table.ids(tokens, source=repr(self.vocab_file))

    def ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return self._table.tokens_of(ids)

    def text_to_ids(self, text: str) -> list[int]:
        return self.tokens_to_ids(self.split(text))

    def ids_to_text(self, ids: Sequence[int]) -> str:
        return self.tokens_to_text(self.ids_to_tokens(self._table.text_ids(ids)))

    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        output_dir: str | Path,
        vocab_size: int,
        *,
        lower_case: bool = False,
        min_frequency: int = 1,
    ) -> dict[str, str]:
        """The ``vocab_size`` most frequent units (ties by spelling), after BERT's special
        tokens; returns get_tokenizer's file arguments."""
        specials = list(BERT_SPECIAL_TOKENS.values())
        if vocab_size <= len(specials):
            raise ValueError(
                f"vocab_size must exceed the {len(specials)} special tokens, got {vocab_size}"
            )
        counts: Counter[str] = Counter()
        for text in texts:
            if text.strip():  # a blank line is no text, not a run of space characters
                counts.update(cls.split(text.lower() if lower_case else text))
        ranked = sorted(
            (unit for unit, n in counts.items() if n >= min_frequency and unit not in specials),
            key=lambda unit: (-counts[unit], unit),
        )
        if not ranked:
            raise no_text_error()
        tokens = specials + ranked[: vocab_size - len(specials)]
        return {"vocab_file": str(write_vocab_file(tokens, Path(output_dir) / "vocab.txt"))}
