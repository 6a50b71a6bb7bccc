"""Typed datasets: their collate function attaches neural types to the batch it builds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch.utils.data

from nemo.core.classes.common import Serialization, Typing, typecheck

__all__ = ["Dataset", "DatasetConfig", "IterableDataset"]


class _TypedCollate(Typing, Serialization):
    """The collate protocol shared by map-style and iterable datasets."""

    def _collate_fn(self, batch: list[Any]) -> Any:
        """Build a batch; override for padding. The default is torch's ``default_collate``."""
        return torch.utils.data.default_collate(batch)

    @typecheck()
    def collate_fn(self, batch: list[Any]) -> Any:
        """The batch of ``_collate_fn``, each item tagged with its declared output type.

        Datasets declare ``output_types`` only: a collate function takes a positional batch,
        which typed inputs would forbid.
        """
        if self.input_types is not None:
            raise TypeError(
                f"{type(self).__name__} declares input_types; datasets declare output_types "
                "only (the collate function receives a positional list of samples)"
            )
        return self._collate_fn(batch)


class Dataset(torch.utils.data.Dataset, _TypedCollate):  # type: ignore[type-arg]
    """A map-style dataset with a typed ``collate_fn``."""


class IterableDataset(torch.utils.data.IterableDataset, _TypedCollate):  # type: ignore[type-arg]
    """An iterable dataset with a typed ``collate_fn``."""


@dataclass
class DatasetConfig:
    """The DataLoader options every dataset config has (NeMo's defaults)."""

    batch_size: int = 32
    drop_last: bool = False
    shuffle: bool = False
    num_workers: int | None = 0
    pin_memory: bool = True
