"""NeMo's intent/slot files, read with errors that name the file, the line and the fix.

``dict.intents.csv``/``dict.slots.csv``: one label per line, the line number is its id.
``{prefix}.tsv``: a header, then ``words<TAB>intent id`` (``data._sentences``).
``{prefix}_slots.tsv``: the slot ids of each sentence's words, space-separated, one line per
sentence of the ``.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nemo.collections.nlp.data._sentences import read_labelled_sentences

__all__ = ["Queries", "read_labels", "read_queries"]


@dataclass
class Queries:
    """One split: each sentence's words, its intent id and its words' slot ids."""

    words: list[list[str]]
    intents: list[int]
    slots: list[list[int]]


def read_labels(path: Path) -> list[str]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{str(path)!r} does not exist: an intent/slot data directory holds "
            "dict.intents.csv and dict.slots.csv (one label per line)"
        )
    labels: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        label = line.strip()
        if not label:
            continue
        if label in labels:
            raise ValueError(f"{str(path)!r}, line {number}: label {label!r} repeats")
        labels.append(label)
    if not labels:
        raise ValueError(f"{str(path)!r} holds no labels")
    return labels


def read_queries(data_dir: Path, prefix: str, num_intents: int, num_slots: int | None) -> Queries:
    """Read ``{prefix}.tsv`` and, when ``num_slots`` is given, ``{prefix}_slots.tsv``."""
    tsv = data_dir / f"{prefix}.tsv"
    if not tsv.is_file():
        raise FileNotFoundError(
            f"{str(tsv)!r} does not exist: the data set prefix {prefix!r} needs {prefix}.tsv "
            f"(and {prefix}_slots.tsv) in {str(data_dir)!r}"
        )
    read = read_labelled_sentences(tsv, num_intents, label="intent", labels_from="dict.intents.csv")
    slots: list[list[int]] = []
    if num_slots is not None:
        slots = _read_slots(
            data_dir / f"{prefix}_slots.tsv", tsv, read.words, read.lines, num_slots
        )
    return Queries(read.words, read.labels, slots)


def _read_slots(
    path: Path, tsv: Path, words: list[list[str]], numbers: list[int], num_slots: int
) -> list[list[int]]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{str(path)!r} does not exist: it holds the slot ids of each line of {tsv.name}"
        )
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(lines) != len(words):
        raise ValueError(
            f"{str(path)!r} has {len(lines)} lines but {tsv.name} has {len(words)} sentences: "
            "one line of slot ids per sentence"
        )
    slots: list[list[int]] = []
    for index, line in enumerate(lines):
        ids = line.split()
        where = f"{str(path)!r}, line {index + 1} (for {tsv.name} line {numbers[index]})"
        if len(ids) != len(words[index]):
            raise ValueError(
                f"{where}: {len(ids)} slot ids for {len(words[index])} words "
                f"({' '.join(words[index])!r}); give one id per word"
            )
        if not all(i.isdigit() and int(i) < num_slots for i in ids):
            raise ValueError(
                f"{where}: slot ids must be numbers of dict.slots.csv (0…{num_slots - 1}), "
                f"got {line!r}"
            )
        slots.append([int(i) for i in ids])
    return slots
