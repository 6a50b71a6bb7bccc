"""``IntentSlotDataDesc``: the label dictionaries and class weights of an intent/slot data set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nemo.collections.nlp.data._sentences import class_weights
from nemo.collections.nlp.data.intent_slot_classification._files import (
    read_labels,
    read_queries,
)

__all__ = ["IntentSlotDataDesc"]


class IntentSlotDataDesc:
    """Reads ``dict.intents.csv``/``dict.slots.csv`` and checks every split in ``modes``.

    ``pad_label=-1`` pads with the id of ``none_slot_label`` (``O``), as NeMo does. The weights
    are inverse class frequencies of the first mode (``class_balancing: weighted_loss``).
    """

    def __init__(
        self,
        data_dir: str | Path,
        modes: Sequence[str] = ("train", "test", "dev"),
        none_slot_label: str = "O",
        pad_label: int = -1,
    ) -> None:
        self.data_dir = Path(data_dir)
        if not self.data_dir.is_dir():
            raise NotADirectoryError(
                f"data_dir {str(data_dir)!r} is not a directory: give the directory holding "
                "dict.intents.csv, dict.slots.csv and the {prefix}.tsv files"
            )
        self.intents = read_labels(self.data_dir / "dict.intents.csv")
        self.slots = read_labels(self.data_dir / "dict.slots.csv")
        self.intents_label_ids = {label: i for i, label in enumerate(self.intents)}
        self.slots_label_ids = {label: i for i, label in enumerate(self.slots)}
        self.num_intents, self.num_slots = len(self.intents), len(self.slots)
        if pad_label != -1:
            self.pad_label = pad_label
        elif none_slot_label in self.slots_label_ids:
            self.pad_label = self.slots_label_ids[none_slot_label]
        else:
            raise ValueError(
                f"dict.slots.csv in {str(data_dir)!r} has no {none_slot_label!r} label: add it "
                "(the label of words outside every slot) or set pad_label"
            )
        splits = [read_queries(self.data_dir, m, self.num_intents, self.num_slots) for m in modes]
        first = splits[0]
        self.intent_weights = class_weights(first.intents, self.num_intents)
        self.slot_weights = class_weights([s for row in first.slots for s in row], self.num_slots)
