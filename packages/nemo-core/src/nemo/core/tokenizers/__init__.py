"""Tokenizers shared by every collection: the contract, the implementations, the factory.

NeMo keeps these in ``nemo.collections.common.tokenizers``; here they are part of nemo-core, so
that ASR, NLP and TTS share them without one collection importing another (the class and
method names are NeMo's).

Each name is imported on first use; the libraries behind them (``sentencepiece``,
``tokenizers``) are optional extras of nemo-core, imported when such a tokenizer is built.
"""

from __future__ import annotations

from nemo.core._lazy import lazy_exports

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
    from nemo.core.tokenizers._factory import get_tokenizer as get_tokenizer
    from nemo.core.tokenizers._factory import train_tokenizer as train_tokenizer
    from nemo.core.tokenizers._vocabulary import read_vocab_file as read_vocab_file
    from nemo.core.tokenizers._vocabulary import (
        write_vocab_file as write_vocab_file,
    )
    from nemo.core.tokenizers.byte_level_bpe_tokenizer import (
        ByteLevelBPETokenizer as ByteLevelBPETokenizer,
    )
    from nemo.core.tokenizers.char_tokenizer import CharTokenizer as CharTokenizer
    from nemo.core.tokenizers.sentencepiece_tokenizer import (
        SentencePieceTokenizer as SentencePieceTokenizer,
    )
    from nemo.core.tokenizers.sentencepiece_tokenizer import (
        train_sentencepiece_tokenizer as train_sentencepiece_tokenizer,
    )
    from nemo.core.tokenizers.tokenizer_spec import TokenizerSpec as TokenizerSpec
    from nemo.core.tokenizers.word_tokenizer import WordTokenizer as WordTokenizer
    from nemo.core.tokenizers.wordpiece_tokenizer import (
        WordPieceTokenizer as WordPieceTokenizer,
    )
