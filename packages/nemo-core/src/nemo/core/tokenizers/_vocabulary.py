"""Vocabulary files (one token per line, the id is the line's index) and the id table over them.

Char, word and WordPiece tokenizers share this: the same checks on the same file format, the
same rule for special tokens (a named special token the file lacks is appended, so existing ids
never move and a checkpoint's embedding rows stay valid).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from nemo.core.tokenizers._special import detect_special_tokens, special_token_map
from nemo.utils._atomic import atomic_output

__all__ = ["TokenTable", "no_text_error", "read_vocab_file", "write_vocab_file"]


def read_vocab_file(path: str | Path, *, what: str = "vocab_file") -> list[str]:
    """The tokens of a vocabulary file, in id order; errors name the file, the line and a fix."""
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(
            f"{what} {str(file)!r} does not exist: give the vocabulary file the tokenizer was "
            "trained with (`nemo tokenizer train` writes one)"
        )
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{what} {str(file)!r} is not UTF-8 text ({exc})") from exc
    tokens: list[str] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        token = line.removesuffix("\r")
        if not token:
            continue
        if token in first_line:
            raise ValueError(
                f"{what} {str(file)!r}, line {number}: token {token!r} repeats line "
                f"{first_line[token]}; a token may appear once (its line is its id)"
            )
        first_line[token] = number
        tokens.append(token)
    if not tokens:
        raise ValueError(f"{what} {str(file)!r} holds no tokens: one token per line expected")
    return tokens


def no_text_error() -> ValueError:
    """What every trainer raises when the texts it was given hold no words."""
    return ValueError("no text to train a tokenizer on: every line given was empty")


def write_vocab_file(tokens: Iterable[str], path: str | Path) -> Path:
    """Write one token per line, all at once (a reader never sees half a vocabulary)."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(file) as out:
        out.write("".join(f"{token}\n" for token in tokens).encode("utf-8"))
    return file


class TokenTable:
    """Token ↔ id over a vocabulary, with the roles of its special tokens."""

    def __init__(self, tokens: Sequence[str], special_tokens: Mapping[str, str] | None) -> None:
        self.tokens = list(tokens)
        self.index = {token: i for i, token in enumerate(self.tokens)}
        roles = (
            detect_special_tokens(self.tokens)
            if special_tokens is None
            else special_token_map(special_tokens)
        )
        for token in roles.values():
            if token not in self.index:
                self.index[token] = len(self.tokens)
                self.tokens.append(token)
        self.special_ids = {role: self.index[token] for role, token in roles.items()}
        # ids that decoding drops: every special token but unk, which stands for real text
        self.control_ids = frozenset(i for r, i in self.special_ids.items() if r != "unk")

    def ids(self, tokens: Sequence[str], *, source: str) -> list[int]:
        unk = self.special_ids.get("unk")
        found: list[int] = []
        for token in tokens:
            index = self.index.get(token, unk)
            if index is None:
                raise ValueError(
                    f"token {token!r} is not in the vocabulary of {source}, which has no "
                    "unknown token: add one (special_tokens={'unk_token': '[UNK]'}) or retrain "
                    "the tokenizer on text that has it"
                )
            found.append(index)
        return found

    def tokens_of(self, ids: Iterable[int]) -> list[str]:
        found: list[str] = []
        for i in ids:
            index = int(i)
            if not 0 <= index < len(self.tokens):
                raise IndexError(
                    f"id {index} is outside the vocabulary (0…{len(self.tokens) - 1}): the ids "
                    "come from another tokenizer or a model with a different vocabulary"
                )
            found.append(self.tokens[index])
        return found

    def text_ids(self, ids: Iterable[int]) -> list[int]:
        """``ids`` without padding and control tokens: what decodes back to text."""
        return [int(i) for i in ids if int(i) not in self.control_ids]
