"""One token per character (NeMo's ``CharTokenizer``): TTS graphemes, character models."""

from __future__ import annotations

from nemo.core.tokenizers._vocab_tokenizer import VocabularyTokenizer

__all__ = ["CharTokenizer"]


class CharTokenizer(VocabularyTokenizer):
    """Every character is a token; ``vocab_file`` lists them, one per line."""

    @staticmethod
    def split(text: str) -> list[str]:
        return [c for c in text if c not in "\n\r"]
