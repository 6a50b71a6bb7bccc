"""NeMo's ``TranslationDataset``: parallel text files, batched to ``tokens_in_batch``.

Each item is a whole batch (the loader runs with ``batch_size=None``): pairs of similar length
are packed together so that a batch holds at most ``tokens_in_batch`` tokens counting padding,
the longer side of the longest pair times the number of pairs. Sequences are ``bos ids eos``;
the decoder reads the target without its last token and predicts it without its first.

Bad files are refused before anything is tokenized: files of different line counts (both
counts and the first line without a partner), empty lines (each side's line number). A pair
longer than ``max_seq_length`` is truncated with one warning counting them all, dropped when
``clean`` (NeMo's meaning), or refused when ``too_long="error"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.utils.data import Dataset

from nemo.collections.nlp.data._padding import pad_rows
from nemo.core.tokenizers import TokenizerSpec
from nemo.utils import logging

__all__ = ["TranslationDataset", "read_parallel_files", "special_id"]

_TOO_LONG = ("truncate", "error")


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise FileNotFoundError(f"parallel text file {str(path)!r} does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text ({exc}): re-encode it as UTF-8") from exc
    return text.splitlines()


def read_parallel_files(
    src_file_name: str | Path, tgt_file_name: str | Path
) -> list[tuple[str, str]]:
    """The sentence pairs of two line-aligned files, checked."""
    src_path, tgt_path = Path(src_file_name), Path(tgt_file_name)
    src, tgt = _lines(src_path), _lines(tgt_path)
    if len(src) != len(tgt):
        longer, shorter = (src_path, tgt_path) if len(src) > len(tgt) else (tgt_path, src_path)
        first = min(len(src), len(tgt)) + 1
        raise ValueError(
            f"parallel files differ in length: {src_path} has {len(src)} lines, {tgt_path} has "
            f"{len(tgt)}; line {first} of {longer} is the first without a partner in {shorter}: "
            "the files must hold one sentence per line, translation on the same line number"
        )
    if not src:
        raise ValueError(f"parallel files {src_path} and {tgt_path} are empty")
    for number, (s, t) in enumerate(zip(src, tgt, strict=True), start=1):
        for path, line, other in ((src_path, s, t), (tgt_path, t, s)):
            if not line.strip():
                raise ValueError(
                    f"line {number} of {path} is empty (its partner reads {other.strip()!r}): "
                    "remove the pair from both files, or give its translation"
                )
    return [(s.strip(), t.strip()) for s, t in zip(src, tgt, strict=True)]


@dataclass(frozen=True)
class _Pair:
    src: list[int]
    tgt: list[int]


def _pack(lengths: Sequence[int], tokens_in_batch: int) -> list[list[int]]:
    """Indices grouped by length into batches of at most ``tokens_in_batch`` padded tokens."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        width = lengths[index]  # the longest so far: the order is ascending
        if current and (len(current) + 1) * width > tokens_in_batch:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class TranslationDataset(Dataset[dict[str, torch.Tensor]]):
    """Batches of ``src_ids, src_mask, tgt_ids, tgt_mask, labels`` (padded with ``pad_id``)."""

    def __init__(
        self,
        src_file_name: str | Path,
        tgt_file_name: str | Path,
        encoder_tokenizer: TokenizerSpec,
        decoder_tokenizer: TokenizerSpec,
        tokens_in_batch: int = 512,
        clean: bool = False,
        max_seq_length: int = 512,
        min_seq_length: int = 1,
        num_samples: int = -1,
        reverse_lang_direction: bool = False,
        too_long: str = "truncate",
    ) -> None:
        if too_long not in _TOO_LONG:
            raise ValueError(f"too_long must be one of {', '.join(_TOO_LONG)}, got {too_long!r}")
        if tokens_in_batch < 1 or max_seq_length < 3:
            raise ValueError(
                f"tokens_in_batch ({tokens_in_batch}) must be positive and max_seq_length "
                f"({max_seq_length}) at least 3 (bos, one token, eos)"
            )
        pairs = read_parallel_files(src_file_name, tgt_file_name)
        if reverse_lang_direction:
            pairs = [(t, s) for s, t in pairs]
        if num_samples > 0:
            pairs = pairs[:num_samples]
        self.source = f"{src_file_name} / {tgt_file_name}"
        self.encoder_tokenizer, self.decoder_tokenizer = encoder_tokenizer, decoder_tokenizer
        self.pad_id = special_id(decoder_tokenizer, "pad")
        self.src_pad_id = special_id(encoder_tokenizer, "pad")
        self.pairs = self._encode(pairs, clean, max_seq_length, min_seq_length, too_long)
        lengths = [max(len(p.src), len(p.tgt)) for p in self.pairs]
        self.batches = _pack(lengths, tokens_in_batch)

    def _encode(
        self,
        pairs: list[tuple[str, str]],
        clean: bool,
        max_seq_length: int,
        min_seq_length: int,
        too_long: str,
    ) -> list[_Pair]:
        enc, dec = self.encoder_tokenizer, self.decoder_tokenizer
        src_ends = (special_id(enc, "bos"), special_id(enc, "eos"))
        tgt_ends = (special_id(dec, "bos"), special_id(dec, "eos"))
        encoded: list[_Pair] = []
        long_lines: list[int] = []
        for number, (src, tgt) in enumerate(pairs, start=1):
            src_ids = [src_ends[0], *enc.text_to_ids(src), src_ends[1]]
            tgt_ids = [tgt_ends[0], *dec.text_to_ids(tgt), tgt_ends[1]]
            longest = max(len(src_ids), len(tgt_ids))
            if longest > max_seq_length:
                long_lines.append(number)
                if clean:
                    continue
                if too_long == "error":
                    raise ValueError(
                        f"line {number} of {self.source} is {longest} tokens long, more than "
                        f"max_seq_length={max_seq_length}: shorten it, raise max_seq_length, or "
                        "let it be truncated (too_long=truncate) or dropped (clean=true)"
                    )
                src_ids = [*src_ids[: max_seq_length - 1], src_ends[1]][:max_seq_length]
                tgt_ids = [*tgt_ids[: max_seq_length - 1], tgt_ends[1]][:max_seq_length]
            if clean and min(len(src_ids), len(tgt_ids)) - 2 < min_seq_length:
                continue
            encoded.append(_Pair(src_ids, tgt_ids))
        if long_lines:
            what = "dropped (clean=true)" if clean else "truncated"
            logging.warning(
                f"{self.source}: {len(long_lines)} pair(s) longer than max_seq_length="
                f"{max_seq_length} tokens were {what}, first at line {long_lines[0]}"
            )
        if not encoded:
            raise ValueError(f"{self.source}: no sentence pair is left after cleaning")
        return encoded

    def __len__(self) -> int:
        return len(self.batches)

    @property
    def num_pairs(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        pairs = [self.pairs[i] for i in self.batches[index]]
        src, src_mask = pad_rows([p.src for p in pairs], self.src_pad_id)
        tgt, tgt_mask = pad_rows([p.tgt[:-1] for p in pairs], self.pad_id)
        labels, _ = pad_rows([p.tgt[1:] for p in pairs], self.pad_id)
        return {
            "src_ids": src,
            "src_mask": src_mask,
            "tgt_ids": tgt,
            "tgt_mask": tgt_mask,
            "labels": labels,
        }


def special_id(tokenizer: TokenizerSpec, role: str) -> int:
    """The id of ``role`` (pad, bos, eos) in ``tokenizer``; translation cannot do without."""
    value = getattr(tokenizer, f"{role}_id", None)
    if value is None or int(value) < 0:
        raise ValueError(
            f"the tokenizer ({type(tokenizer).__name__}) has no {role} token; translation needs "
            "pad, bos and eos: give them as special_tokens (e.g. {'pad_token': '<pad>', "
            "'bos_token': '<s>', 'eos_token': '</s>'})"
        )
    return int(value)
