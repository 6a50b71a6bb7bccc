"""WordPiece (BERT's tokenizer) over a ``vocab.txt``: Hugging Face BERT checkpoints' own files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nemo.core.tokenizers._library import LibraryTokenizer, import_tokenizers
from nemo.core.tokenizers._merges import merged_vocabulary
from nemo.core.tokenizers._special import BERT_SPECIAL_TOKENS
from nemo.core.tokenizers._vocabulary import (
    TokenTable,
    no_text_error,
    read_vocab_file,
    write_vocab_file,
)

__all__ = ["WordPieceTokenizer"]

_PREFIX = "##"


class WordPieceTokenizer(LibraryTokenizer):
    """BERT's normalisation and splitting, then greedy longest-match WordPiece.

    ``do_lower_case`` must match how the vocabulary was made (``bert-base-uncased``: True).
    """

    def __init__(
        self,
        vocab_file: str | Path,
        special_tokens: Mapping[str, str] | None = None,
        do_lower_case: bool = True,
    ) -> None:
        library = import_tokenizers()
        self.vocab_file = str(vocab_file)
        self.do_lower_case = do_lower_case
        table = TokenTable(read_vocab_file(vocab_file), special_tokens)
        if "unk" not in table.special_ids:
            raise ValueError(
                f"vocab_file {self.vocab_file!r} has no unknown token ([UNK]): WordPiece needs "
                "one; add it to the file or pass special_tokens={'unk_token': ...}"
            )
        model = library.models.WordPiece(
            dict(table.index),
            unk_token=table.tokens[table.special_ids["unk"]],
            continuing_subword_prefix=_PREFIX,
        )
        backend = library.Tokenizer(model)
        backend.normalizer = _normalizer(library, do_lower_case)
        backend.pre_tokenizer = library.pre_tokenizers.BertPreTokenizer()
        backend.decoder = library.decoders.WordPiece(prefix=_PREFIX)
        super().__init__(backend, table, repr(self.vocab_file))

    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        output_dir: str | Path,
        vocab_size: int,
        *,
        lower_case: bool = True,
        min_frequency: int = 2,
    ) -> dict[str, str]:
        """Learn a WordPiece vocabulary (BERT's special tokens first); returns get_tokenizer's
        file arguments. Load it with the same ``do_lower_case`` as ``lower_case``."""
        library = import_tokenizers()
        normalizer = _normalizer(library, lower_case)
        splitter = library.pre_tokenizers.BertPreTokenizer()
        counts: Counter[str] = Counter()
        for text in texts:
            normal = normalizer.normalize_str(text)
            counts.update(word for word, _ in splitter.pre_tokenize_str(normal))
        if not counts:
            raise no_text_error()
        words = {
            (word[0], *(_PREFIX + c for c in word[1:])): n for word, n in sorted(counts.items())
        }
        alphabet = sorted({symbol for word in words for symbol in word})
        tokens, _ = merged_vocabulary(
            words, list(BERT_SPECIAL_TOKENS.values()), alphabet, vocab_size,
            join=_join, min_frequency=min_frequency,
            alphabet_name=f"the {len(alphabet)} characters of the text",
        )  # fmt: skip
        return {"vocab_file": str(write_vocab_file(tokens, Path(output_dir) / "vocab.txt"))}


def _join(first: str, second: str) -> str:
    return first + second.removeprefix(_PREFIX)


def _normalizer(library: Any, lower_case: bool) -> Any:
    normalizers = library.normalizers
    return normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=lower_case
    )
