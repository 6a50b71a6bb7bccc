"""NeMo's ``sentence<TAB>label id`` files (text classification, the intents of intent/slot
data), read with errors that name the file, the line and the fix, and their class weights."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LabelledSentences", "class_weights", "read_labelled_sentences"]


@dataclass
class LabelledSentences:
    """Each sentence's words, its label id and the number of the line it came from."""

    words: list[list[str]]
    labels: list[int]
    lines: list[int]

    def head(self, count: int) -> LabelledSentences:
        """The first ``count`` sentences (all of them when ``count`` < 1: NeMo's -1)."""
        if count < 1:
            return self
        return LabelledSentences(self.words[:count], self.labels[:count], self.lines[:count])


def read_labelled_sentences(
    path: Path, num_labels: int, *, label: str = "label", labels_from: str = "num_classes"
) -> LabelledSentences:
    """Read ``words<TAB>id`` lines; a first line whose last field is not a number is the header.

    ``label`` names the label in errors (``intent``), ``labels_from`` says where the valid
    ids come from (``dict.intents.csv``).
    """
    if not path.is_file():
        raise FileNotFoundError(
            f"{str(path)!r} does not exist: give a file of 'sentence<TAB>{label} id' lines "
            "(after a 'sentence<TAB>label' header)"
        )
    read = LabelledSentences([], [], [])
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        text, tab, field = line.rpartition("\t")
        if not tab or not field.strip().lstrip("-").isdigit():
            if number == 1:
                continue  # the header
            raise ValueError(
                f"{str(path)!r}, line {number}: expected 'sentence<TAB>{label} id', got "
                f"{line[:60]!r}; every line after the header needs its {label}'s number"
            )
        value = int(field)
        if not 0 <= value < num_labels:
            raise ValueError(
                f"{str(path)!r}, line {number}: {label} {value} is not in {labels_from} "
                f"(ids 0…{num_labels - 1}); fix the line or the number of {label}s"
            )
        if not text.split():
            raise ValueError(f"{str(path)!r}, line {number}: the sentence is empty")
        read.words.append(text.split())
        read.labels.append(value)
        read.lines.append(number)
    if not read.words:
        raise ValueError(f"{str(path)!r} holds no sentences after its header")
    return read


def class_weights(labels: Sequence[int], classes: int) -> list[float]:
    """Inverse class frequencies, NeMo's ``weighted_loss`` (1 for a class never seen)."""
    counts = Counter(labels)
    total = sum(counts.values())
    return [total / (classes * counts[c]) if counts[c] else 1.0 for c in range(classes)]
