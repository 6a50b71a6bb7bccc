"""``ResumableDataLoader``: a DataLoader whose place in the epoch survives a restart.

Lightning (2.1+) saves ``state_dict()`` of every train loader that has one in each checkpoint,
and calls ``load_state_dict()`` before iterating again when a run resumes. This loader's state is
two numbers: which epoch it is in (counting the epochs it started) and how many batches of it
were delivered. Each epoch's shuffling order and worker seeds are derived from the loader's
``seed`` and the epoch's number alone, so a resumed loader draws the interrupted epoch's order
again, skips the delivered batches by index (no data is loaded for them), and shuffles later
epochs as the uninterrupted run did. Nothing is drawn from torch's global generator, whose state
exp_manager restores separately.

Lightning fetches no batch ahead from a loader that has a length, so "delivered" is "trained
on" when a checkpoint is written. In data-parallel runs Lightning replaces the sampler by a
``DistributedSampler`` (whose order is a function of its seed and the epoch as well); the
delivered batches are then skipped on each rank.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import torch
from torch.utils.data import DataLoader, IterableDataset, RandomSampler

__all__ = ["ResumableDataLoader"]


class _SkippingIndexSampler:
    """The loader's batch sampler, skipping the first ``skip`` batches of its next epoch only."""

    def __init__(self, inner: Iterable[Any]) -> None:
        self.inner = inner
        self.skip = 0

    def __iter__(self) -> Iterator[Any]:
        # A generator: the skip is taken by the iteration that actually starts (a DataLoader
        # iterator with workers calls iter() twice and uses the second).
        skip, self.skip = self.skip, 0
        iterator = iter(self.inner)
        for _ in itertools.islice(iterator, skip):
            pass
        yield from iterator

    def __len__(self) -> int:
        return len(self.inner)  # type: ignore[arg-type]


def _derive_seed(seed: int, epoch: int, purpose: str) -> int:
    digest = hashlib.sha256(f"{seed}:{epoch}:{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


class _EpochShuffleSampler(RandomSampler):
    """A RandomSampler whose order is a function of ``(seed, epoch)``, as DistributedSampler's.

    Lightning calls ``set_epoch`` before every training epoch; the loader advances the epoch
    itself when iterated without Lightning.
    """

    def __init__(self, data_source: Any, seed: int) -> None:
        super().__init__(data_source, generator=torch.Generator())
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[int]:
        assert self.generator is not None
        self.generator.manual_seed(_derive_seed(self.seed, self.epoch, "order"))
        return super().__iter__()


class ResumableDataLoader(DataLoader):  # type: ignore[type-arg]
    """A ``torch.utils.data.DataLoader`` that resumes mid-epoch where it stopped.

    Takes DataLoader's arguments (by keyword after ``dataset``) and ``seed``, from which every
    epoch's order is derived (default: drawn once from torch's global generator, so
    ``seed_everything`` makes it reproducible). Map-style datasets only: an iterable dataset has
    no index to skip to. A ``sampler`` given by the caller must order each epoch the same way
    when run again, as ``DistributedSampler`` (seed and ``set_epoch``) does.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        *,
        seed: int | None = None,
        sampler: Any = None,
        generator: torch.Generator | None = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(dataset, IterableDataset):
            raise TypeError(
                "ResumableDataLoader needs a map-style dataset (with __getitem__ and __len__); "
                f"{type(dataset).__name__} is an IterableDataset: use a plain DataLoader, which "
                "restarts its epoch on resume"
            )
        if seed is None:
            seed = int(torch.randint(0, 2**62, (1,)).item())
        self.seed = seed  # public: Lightning rebuilds the loader from its attributes (DDP)
        if shuffle and sampler is None:
            sampler, shuffle = _EpochShuffleSampler(dataset, seed), None
        super().__init__(
            dataset,
            batch_size,
            shuffle,
            sampler=sampler,
            generator=generator if generator is not None else torch.Generator(),
            **kwargs,
        )
        self._skipping = _SkippingIndexSampler(super()._index_sampler)
        self._epoch_index = -1
        self._last_started: int | None = None
        self._delivered = 0
        self._pending: tuple[int, int] | None = None

    @property
    def _index_sampler(self) -> Any:  # what DataLoader's iterators draw indices from
        return self._skipping

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return self._epoch()

    def _epoch(self) -> Iterator[Any]:
        """One epoch's batches. Nothing happens until the first batch is asked for.

        By then Lightning has told the sampler the epoch's number; and an iterator Lightning
        creates but never uses (a resumed epoch that was already finished is followed by a new
        iterator) neither counts as an epoch nor consumes the saved position.
        """
        epoch = self._start_epoch()
        skip = 0
        if self._pending is not None:
            saved_epoch, delivered = self._pending
            self._pending = None
            if saved_epoch == epoch:
                skip = min(delivered, len(self))
        self._epoch_index, self._delivered = epoch, skip
        assert self.generator is not None
        self.generator.manual_seed(_derive_seed(self.seed, epoch, "workers"))
        self._skipping.skip = skip
        for batch in super().__iter__():
            self._delivered += 1
            yield batch

    def _start_epoch(self) -> int:
        """The number of the epoch starting: the sampler's (set by Lightning) or counted here."""
        sampler_epoch = getattr(self.sampler, "epoch", None)
        if isinstance(sampler_epoch, int):
            set_epoch = getattr(self.sampler, "set_epoch", None)
            if sampler_epoch == self._last_started and callable(set_epoch):
                sampler_epoch += 1  # iterated again without set_epoch: the next epoch
                set_epoch(sampler_epoch)
            epoch = sampler_epoch
        else:
            epoch = 0 if self._last_started is None else self._last_started + 1
        self._last_started = epoch
        return epoch

    def state_dict(self) -> dict[str, Any]:
        """The epoch in progress (or last finished) and how many of its batches were delivered."""
        return {"epoch": self._epoch_index, "delivered": self._delivered}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue the saved epoch at the next iteration (the next epoch if it was finished)."""
        epoch, delivered = int(state_dict["epoch"]), int(state_dict["delivered"])
        if delivered >= len(self):
            epoch, delivered = epoch + 1, 0
        self._pending = (epoch, delivered)
        set_epoch = getattr(self.sampler, "set_epoch", None)
        if callable(set_epoch) and isinstance(getattr(self.sampler, "epoch", None), int):
            set_epoch(epoch)
        else:
            self._last_started = epoch - 1
