"""Tokenizers run by Hugging Face's ``tokenizers`` library (Rust): WordPiece, byte-level BPE.

The library is an optional extra (``pip install 'nemo-core[tokenizers]'``), imported when such a
tokenizer is built. Our classes only configure it, so the ids are the library's own; the
vocabulary, its special tokens and training stay ours (see ``_merges``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nemo.core.tokenizers._vocabulary import TokenTable
from nemo.core.tokenizers.tokenizer_spec import TokenizerSpec

__all__ = ["LibraryTokenizer", "import_tokenizers"]


def import_tokenizers() -> Any:
    try:
        import tokenizers
    except ImportError as exc:
        raise ImportError(
            "WordPiece and byte-level BPE tokenizers need Hugging Face's `tokenizers` library: "
            "pip install 'nemo-core[tokenizers]'"
        ) from exc
    return tokenizers


class LibraryTokenizer(TokenizerSpec):
    """A ``tokenizers.Tokenizer`` over a :class:`TokenTable` (ids in the table's order)."""

    def __init__(self, backend: Any, table: TokenTable, source: str) -> None:
        self._backend = backend
        self._table = table
        self._source = source
        specials = sorted(set(table.special_ids.values()))
        # special tokens stay whole when they appear in text, as in Hugging Face's tokenizers
        backend.add_special_tokens([table.tokens[i] for i in specials])

    @property
    def vocab_size(self) -> int:
        return len(self._table.tokens)

    @property
    def special_ids(self) -> Mapping[str, int]:
        return self._table.special_ids

    def text_to_tokens(self, text: str) -> list[str]:
        return list(self._backend.encode(text, add_special_tokens=False).tokens)

    def text_to_ids(self, text: str) -> list[int]:
        return list(self._backend.encode(text, add_special_tokens=False).ids)

    def batch_text_to_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Many texts at once, in the library's threads."""
        encoded = self._backend.encode_batch(list(texts), add_special_tokens=False)
        return [list(e.ids) for e in encoded]

    def tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return self._table.ids(tokens, source=self._source)

    def ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return self._table.tokens_of(ids)

    def tokens_to_text(self, tokens: Sequence[str]) -> str:
        return str(self._backend.decoder.decode(list(tokens)))

    def ids_to_text(self, ids: Sequence[int]) -> str:
        return self.tokens_to_text(self.ids_to_tokens(self._table.text_ids(ids)))
