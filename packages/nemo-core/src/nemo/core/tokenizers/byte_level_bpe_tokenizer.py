"""Byte-level BPE (GPT-2/RoBERTa's tokenizer) over ``vocab.json`` + ``merges.txt``.

Every byte is in the alphabet, so no text is ever unknown.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from nemo.core.tokenizers._library import LibraryTokenizer, import_tokenizers
from nemo.core.tokenizers._merges import merged_vocabulary
from nemo.core.tokenizers._vocabulary import TokenTable, no_text_error
from nemo.utils._atomic import atomic_output

__all__ = ["ByteLevelBPETokenizer"]

_DEFAULT_SPECIALS = {"pad": "<pad>", "unk": "<unk>", "bos": "<s>", "eos": "</s>", "mask": "<mask>"}


class ByteLevelBPETokenizer(LibraryTokenizer):
    """Bytes mapped to printable characters, merged by ``merges_file`` (no prefix space)."""

    def __init__(
        self,
        vocab_file: str | Path,
        merges_file: str | Path,
        special_tokens: Mapping[str, str] | None = None,
    ) -> None:
        library = import_tokenizers()
        self.vocab_file, self.merges_file = str(vocab_file), str(merges_file)
        vocab = _read_vocab_json(Path(vocab_file))
        if not Path(merges_file).is_file():
            raise FileNotFoundError(
                f"merges_file {self.merges_file!r} does not exist: byte-level BPE needs the "
                "merges.txt written beside its vocab.json"
            )
        try:
            model = library.models.BPE.from_file(self.vocab_file, self.merges_file)
        except Exception as exc:  # the library raises its own Exception for a bad file
            raise ValueError(
                f"{self.merges_file!r} does not fit {self.vocab_file!r} ({exc}): give the pair "
                "of files one training wrote"
            ) from exc
        table = TokenTable(sorted(vocab, key=vocab.__getitem__), special_tokens)
        backend = library.Tokenizer(model)
        backend.pre_tokenizer = library.pre_tokenizers.ByteLevel(add_prefix_space=False)
        backend.decoder = library.decoders.ByteLevel()
        super().__init__(backend, table, repr(self.vocab_file))

    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        output_dir: str | Path,
        vocab_size: int,
        *,
        lower_case: bool = False,
        min_frequency: int = 2,
    ) -> dict[str, str]:
        """Learn merges over the 256 byte symbols; returns get_tokenizer's file arguments."""
        library = import_tokenizers()
        splitter = library.pre_tokenizers.ByteLevel(add_prefix_space=False)
        counts: Counter[str] = Counter()
        for text in texts:
            if not text.strip():
                continue  # a blank line is no text, not a word of spaces
            line = text.lower() if lower_case else text
            counts.update(word for word, _ in splitter.pre_tokenize_str(line))
        if not counts:
            raise no_text_error()
        alphabet = sorted(library.pre_tokenizers.ByteLevel.alphabet())
        tokens, merges = merged_vocabulary(
            {tuple(word): n for word, n in sorted(counts.items())},
            list(_DEFAULT_SPECIALS.values()), alphabet, vocab_size,
            join=str.__add__, min_frequency=min_frequency, alphabet_name="256 byte symbols",
        )  # fmt: skip
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        vocab_path, merges_path = out / "vocab.json", out / "merges.txt"
        with atomic_output(vocab_path) as stream:
            vocab = {token: i for i, token in enumerate(tokens)}
            stream.write(json.dumps(vocab, ensure_ascii=False).encode("utf-8"))
        with atomic_output(merges_path) as stream:
            lines = "".join(f"{first} {second}\n" for first, second in merges)
            stream.write(("#version: 0.2\n" + lines).encode("utf-8"))
        return {"vocab_file": str(vocab_path), "merges_file": str(merges_path)}


def _read_vocab_json(path: Path) -> dict[str, int]:
    if not path.is_file():
        raise FileNotFoundError(
            f"vocab_file {str(path)!r} does not exist: byte-level BPE needs the vocab.json "
            "its training wrote"
        )
    try:
        vocab = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"vocab_file {str(path)!r} is not a JSON vocabulary ({exc})") from exc
    if not isinstance(vocab, dict) or sorted(vocab.values()) != list(range(len(vocab))):
        raise ValueError(
            f"vocab_file {str(path)!r} must map each token to a distinct id 0…n-1 "
            '({"token": id, ...}, as Hugging Face writes vocab.json)'
        )
    return vocab
