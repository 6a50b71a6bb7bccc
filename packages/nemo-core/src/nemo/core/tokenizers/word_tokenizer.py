"""One token per whitespace-separated word (NeMo's ``WordTokenizer``)."""

from __future__ import annotations

from nemo.core.tokenizers._vocab_tokenizer import VocabularyTokenizer

__all__ = ["WordTokenizer"]


class WordTokenizer(VocabularyTokenizer):
    """Every word is a token; ``vocab_file`` lists them, one per line."""

    separator = " "

    @staticmethod
    def split(text: str) -> list[str]:
        return text.split()
