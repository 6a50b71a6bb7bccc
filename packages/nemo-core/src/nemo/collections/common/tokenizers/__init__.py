"""Tokenizers shared by every collection: the contract, the implementations, the factory.

Each name is imported on first use; the libraries behind them (``sentencepiece``,
``tokenizers``) are optional extras of nemo-core, imported when such a tokenizer is built.
"""

from __future__ import annotations

from nemo.core import lazy_exports

TYPE_CHECKING = False  # typing is not imported: collections import this package at start-up

_EXPORTS = {
    "TokenizerSpec": ".tokenizer_spec",
    "SentencePieceTokenizer": ".sentencepiece_tokenizer",
    "train_sentencepiece_tokenizer": ".sentencepiece_tokenizer",
    "WordPieceTokenizer": ".wordpiece_tokenizer",
    "ByteLevelBPETokenizer": ".byte_level_bpe_tokenizer",
    "CharTokenizer": ".char_tokenizer",
    "WordTokenizer": ".word_tokenizer",
    "get_tokenizer": "._factory",
    "train_tokenizer": "._factory",
    "read_vocab_file": "._vocabulary",
    "write_vocab_file": "._vocabulary",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from nemo.collections.common.tokenizers._factory import get_tokenizer as get_tokenizer
    from nemo.collections.common.tokenizers._factory import train_tokenizer as train_tokenizer
    from nemo.collections.common.tokenizers._vocabulary import read_vocab_file as read_vocab_file
    from nemo.collections.common.tokenizers._vocabulary import (
        write_vocab_file as write_vocab_file,
    )
    from nemo.collections.common.tokenizers.byte_level_bpe_tokenizer import (
        ByteLevelBPETokenizer as ByteLevelBPETokenizer,
    )
    from nemo.collections.common.tokenizers.char_tokenizer import CharTokenizer as CharTokenizer
    from nemo.collections.common.tokenizers.sentencepiece_tokenizer import (
        SentencePieceTokenizer as SentencePieceTokenizer,
    )
    from nemo.collections.common.tokenizers.sentencepiece_tokenizer import (
        train_sentencepiece_tokenizer as train_sentencepiece_tokenizer,
    )
    from nemo.collections.common.tokenizers.tokenizer_spec import TokenizerSpec as TokenizerSpec
    from nemo.collections.common.tokenizers.word_tokenizer import WordTokenizer as WordTokenizer
    from nemo.collections.common.tokenizers.wordpiece_tokenizer import (
        WordPieceTokenizer as WordPieceTokenizer,
    )
