"""Subword tokenizers of the BPE models.

(NeMo keeps its tokenizers in ``nemo.collections.common``; until a common distribution exists,
the ASR models' sentencepiece tokenizer lives here.)
"""

from nemo.collections.asr.tokenizers.sentencepiece import (
    SentencePieceTokenizer,
    train_sentencepiece_tokenizer,
)

__all__ = ["SentencePieceTokenizer", "train_sentencepiece_tokenizer"]
