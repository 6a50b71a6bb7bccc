"""SentencePiece subwords (unigram or BPE): NeMo's ASR BPE models' tokenizer, any language.

A tokenizer directory holds ``tokenizer.model`` (the sentencepiece model), ``tokenizer.vocab``
(pieces and scores, as sentencepiece writes it) and ``vocab.txt`` (the pieces in WordPiece
style: ``▁word`` as ``word``, other pieces as ``##piece``), the layout NeMo's tokenizer script
writes and its BPE models register as artifacts. ``sentencepiece`` is an optional extra:
``pip install 'nemo-core[sentencepiece]'``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from nemo.core.tokenizers._special import detect_special_tokens, special_token_map
from nemo.core.tokenizers._vocabulary import no_text_error
from nemo.core.tokenizers.tokenizer_spec import TokenizerSpec

__all__ = ["SentencePieceTokenizer", "train_sentencepiece_tokenizer"]

_MODEL_TYPES = ("bpe", "unigram", "char", "word")
_WORD_START = "\u2581"


def _import_sentencepiece() -> Any:
    try:
        import sentencepiece
    except ImportError as exc:
        raise ImportError(
            "SentencePiece tokenizers need the `sentencepiece` library: "
            "pip install 'nemo-core[sentencepiece]'"
        ) from exc
    return sentencepiece


class SentencePieceTokenizer(TokenizerSpec):
    """Text ↔ subword pieces ↔ ids with a trained sentencepiece model file.

    ``special_tokens`` (``{"cls_token": "[CLS]", ...}``) that are pieces of the model keep
    their ids; the others get ids after the model's pieces, as NeMo's tokenizer gives them.
    """

    def __init__(
        self, model_path: str | Path, special_tokens: Mapping[str, str] | None = None
    ) -> None:
        sentencepiece = _import_sentencepiece()
        path = Path(model_path)
        if not path.is_file():
            raise FileNotFoundError(
                f"sentencepiece model {str(path)!r} does not exist: give the tokenizer.model a "
                "training wrote (`nemo tokenizer train --type sentencepiece` makes one)"
            )
        self.model_path = str(path)
        self.tokenizer = sentencepiece.SentencePieceProcessor()
        try:
            self.tokenizer.Load(self.model_path)
        except (OSError, RuntimeError) as exc:
            raise ValueError(
                f"{self.model_path!r} is not a sentencepiece model ({exc}); retrain it with "
                "`nemo tokenizer train --type sentencepiece`"
            ) from exc
        self._pieces = int(self.tokenizer.get_piece_size())
        self._extra: list[str] = []
        pieces = [self.tokenizer.id_to_piece(i) for i in range(self._pieces)]
        own = {
            role: int(getattr(self.tokenizer, f"{role}_id")())
            for role in ("pad", "unk", "bos", "eos")
        }
        self._special = {role: i for role, i in own.items() if i >= 0}
        roles = (
            detect_special_tokens(pieces)
            if special_tokens is None
            else special_token_map(special_tokens)
        )
        index = {piece: i for i, piece in enumerate(pieces)}
        for role, token in roles.items():
            if token not in index:
                index[token] = self._pieces + len(self._extra)
                self._extra.append(token)
            self._special[role] = index[token]
        self._extra_ids = {token: self._pieces + i for i, token in enumerate(self._extra)}
        self._control = frozenset(i for role, i in self._special.items() if role != "unk")

    @property
    def vocab_size(self) -> int:
        return self._pieces + len(self._extra)

    @property
    def special_ids(self) -> Mapping[str, int]:
        return self._special

    def text_to_tokens(self, text: str) -> list[str]:
        return list(self.tokenizer.encode_as_pieces(text))

    def text_to_ids(self, text: str) -> list[int]:
        return list(self.tokenizer.encode_as_ids(text))

    def tokens_to_text(self, tokens: Sequence[str]) -> str:
        return str(self.tokenizer.decode_pieces([t for t in tokens if t not in self._extra_ids]))

    def ids_to_text(self, ids: Sequence[int]) -> str:
        kept = [int(i) for i in ids if int(i) < self._pieces and int(i) not in self._control]
        return str(self.tokenizer.decode_ids(kept))

    def token_to_id(self, token: str) -> int:
        extra = self._extra_ids.get(token)
        return extra if extra is not None else int(self.tokenizer.piece_to_id(token))

    def tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.token_to_id(token) for token in tokens]

    def ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        tokens: list[str] = []
        for i in ids:
            index = int(i)
            if not 0 <= index < self.vocab_size:
                raise IndexError(
                    f"id {index} is outside the vocabulary (0…{self.vocab_size - 1}) of "
                    f"{self.model_path!r}: the ids come from another tokenizer"
                )
            tokens.append(
                self._extra[index - self._pieces]
                if index >= self._pieces
                else self.tokenizer.id_to_piece(index)
            )
        return tokens

    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        output_dir: str | Path,
        vocab_size: int,
        *,
        model_type: str = "unigram",
        lower_case: bool = False,
        character_coverage: float = 1.0,
    ) -> dict[str, str]:
        """Train into ``output_dir``; returns get_tokenizer's file arguments."""
        out = train_sentencepiece_tokenizer(
            texts, output_dir, vocab_size, model_type=model_type,
            character_coverage=character_coverage, lower_case=lower_case,
        )  # fmt: skip
        return {"tokenizer_model": str(out / "tokenizer.model")}


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
    as many pieces as it supports. One training thread, so the same text gives the same model.
    """
    sentencepiece = _import_sentencepiece()
    if model_type not in _MODEL_TYPES:
        raise ValueError(
            f"model_type {model_type!r} is not one of {', '.join(_MODEL_TYPES)} (sentencepiece's)"
        )
    if vocab_size < 2:
        raise ValueError(f"vocab_size must be at least 2, got {vocab_size}")
    sentences = [text.strip().lower() if lower_case else text.strip() for text in texts]
    sentences = [text for text in sentences if text]
    if not sentences:
        raise no_text_error()
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
            num_threads=1,
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
