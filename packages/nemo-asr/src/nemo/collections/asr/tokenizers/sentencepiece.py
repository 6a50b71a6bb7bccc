"""SentencePiece subword tokenizer: the vocabulary of NeMo's BPE CTC models.

A tokenizer directory holds ``tokenizer.model`` (the sentencepiece model), ``tokenizer.vocab``
(pieces and scores, as sentencepiece writes it) and ``vocab.txt`` (the pieces in WordPiece
style: ``▁word`` as ``word``, other pieces as ``##piece``), the layout NeMo's tokenizer script
writes and its BPE models register as artifacts.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["SentencePieceTokenizer", "train_sentencepiece_tokenizer"]

_MODEL_TYPES = ("bpe", "unigram", "char", "word")
_WORD_START = "\u2581"


class SentencePieceTokenizer:
    """Text ↔ subword pieces ↔ ids with a trained sentencepiece model file."""

    def __init__(self, model_path: str | Path) -> None:
        import sentencepiece

        path = Path(model_path)
        if not path.is_file():
            raise FileNotFoundError(
                f"sentencepiece model {str(path)!r} does not exist: point tokenizer.dir at a "
                "directory with tokenizer.model (tools/process_asr_text_tokenizer.py makes one)"
            )
        self.model_path = str(path)
        self.tokenizer = sentencepiece.SentencePieceProcessor()
        try:
            self.tokenizer.Load(self.model_path)
        except (OSError, RuntimeError) as exc:
            raise ValueError(
                f"{self.model_path!r} is not a sentencepiece model ({exc}); retrain it with "
                "tools/process_asr_text_tokenizer.py"
            ) from exc
        self.vocab_size = int(self.tokenizer.get_piece_size())

    @property
    def vocab(self) -> list[str]:
        """Every piece, in id order."""
        return [self.tokenizer.id_to_piece(i) for i in range(self.vocab_size)]

    @property
    def unk_id(self) -> int:
        return int(self.tokenizer.unk_id())

    @property
    def pad_id(self) -> int:
        return int(self.tokenizer.pad_id())

    @property
    def bos_id(self) -> int:
        return int(self.tokenizer.bos_id())

    @property
    def eos_id(self) -> int:
        return int(self.tokenizer.eos_id())

    def text_to_tokens(self, text: str) -> list[str]:
        return list(self.tokenizer.encode_as_pieces(text))

    def text_to_ids(self, text: str) -> list[int]:
        return list(self.tokenizer.encode_as_ids(text))

    def tokens_to_text(self, tokens: Sequence[str]) -> str:
        return str(self.tokenizer.decode_pieces(list(tokens)))

    def ids_to_text(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode_ids([int(i) for i in ids]))

    def token_to_id(self, token: str) -> int:
        return int(self.tokenizer.piece_to_id(token))

    def tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.token_to_id(token) for token in tokens]

    def ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.tokenizer.id_to_piece(int(i)) for i in ids]


def train_sentencepiece_tokenizer(
    texts: Iterable[str],
    output_dir: str | Path,
    vocab_size: int,
    model_type: str = "bpe",
    character_coverage: float = 1.0,
    lower_case: bool = False,
) -> Path:
    """Train a tokenizer on ``texts`` (one sentence each) into ``output_dir``; return the dir.

    ``vocab_size`` is an upper bound (NeMo's ``hard_vocab_limit=false``): a small corpus gets
    as many pieces as it supports.
    """
    import sentencepiece

    if model_type not in _MODEL_TYPES:
        raise ValueError(
            f"model_type {model_type!r} is not one of {', '.join(_MODEL_TYPES)} (sentencepiece's)"
        )
    if vocab_size < 2:
        raise ValueError(f"vocab_size must be at least 2, got {vocab_size}")
    sentences = [text.strip().lower() if lower_case else text.strip() for text in texts]
    sentences = [text for text in sentences if text]
    if not sentences:
        raise ValueError("no text to train a tokenizer on: every sentence given was empty")
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = io.BytesIO()
    try:
        sentencepiece.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences),
            model_writer=model,
            vocab_size=vocab_size,
            model_type=model_type,
            character_coverage=character_coverage,
            hard_vocab_limit=False,
            bos_id=-1,
            eos_id=-1,
            unk_id=0,
            minloglevel=2,
        )
    except RuntimeError as exc:
        raise ValueError(
            f"sentencepiece could not train a {model_type} tokenizer of vocab_size={vocab_size} "
            f"on {len(sentences)} sentences: {exc}"
        ) from exc
    (out / "tokenizer.model").write_bytes(model.getvalue())
    tokenizer = SentencePieceTokenizer(out / "tokenizer.model")
    pieces = tokenizer.vocab
    scores = [tokenizer.tokenizer.get_score(i) for i in range(len(pieces))]
    (out / "tokenizer.vocab").write_text(
        "".join(f"{piece}\t{score:g}\n" for piece, score in zip(pieces, scores, strict=True)),
        encoding="utf-8",
    )
    (out / "vocab.txt").write_text(
        "".join(f"{_wordpiece(piece)}\n" for piece in pieces[1:]), encoding="utf-8"
    )
    return out


def _wordpiece(piece: str) -> str:
    """NeMo's vocab.txt spelling of a piece: word starts bare, continuations as ``##piece``."""
    if piece.startswith(_WORD_START):
        return piece[1:] or piece
    return f"##{piece}"
