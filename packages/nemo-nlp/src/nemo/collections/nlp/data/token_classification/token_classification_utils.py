"""NeMo's token classification files: ``text_*.txt`` (a sentence per line) and
``labels_*.txt`` (one label per word, same lines), read with errors that name the file, the
line and the fix; the label ids NeMo derives from the training labels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["get_label_ids", "read_tagged_files"]


def read_tagged_files(
    text_file: Path, labels_file: Path
) -> tuple[list[list[str]], list[list[str]]]:
    """Each line's words and their labels."""
    for path, what in ((text_file, "a sentence per line"), (labels_file, "a label per word")):
        if not path.is_file():
            raise FileNotFoundError(
                f"{str(path)!r} does not exist: token classification needs text and labels "
                f"files side by side in dataset.data_dir ({what})"
            )
    texts = [line.split() for line in text_file.read_text(encoding="utf-8").splitlines()]
    tags = [line.split() for line in labels_file.read_text(encoding="utf-8").splitlines()]
    while texts and not texts[-1]:
        texts.pop()
    while tags and not tags[-1]:
        tags.pop()
    if len(texts) != len(tags):
        raise ValueError(
            f"{str(labels_file)!r} has {len(tags)} lines but {text_file.name} has {len(texts)}: "
            "one line of labels per sentence"
        )
    for number, (words, labels) in enumerate(zip(texts, tags, strict=True), start=1):
        if not words:
            raise ValueError(f"{str(text_file)!r}, line {number}: the sentence is empty")
        if len(words) != len(labels):
            raise ValueError(
                f"{str(labels_file)!r}, line {number}: {len(labels)} labels for {len(words)} "
                f"words ({' '.join(words)[:60]!r}); give one label per word"
            )
    if not texts:
        raise ValueError(f"{str(text_file)!r} holds no sentences")
    return texts, tags


def get_label_ids(
    labels: Iterable[Iterable[str]], pad_label: str = "O", known: Mapping[str, int] | None = None,
    *, source: str = "the labels file",
) -> dict[str, int]:  # fmt: skip
    """NeMo's mapping from the training labels: ``pad_label`` is 0, the others follow sorted.
    With ``known`` (a trained model's mapping), every label must be in it."""
    seen = {label for row in labels for label in row}
    if known is not None:
        unknown = sorted(seen - set(known))
        if unknown:
            raise ValueError(
                f"{source} has labels the model does not know: {', '.join(unknown[:10])} "
                f"(it knows {', '.join(list(known)[:20])}); fix the labels or train anew"
            )
        return dict(known)
    ids = {pad_label: 0}
    for label in sorted(seen - {pad_label}):
        ids[label] = len(ids)
    return ids
