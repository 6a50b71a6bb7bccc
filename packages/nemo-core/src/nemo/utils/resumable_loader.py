"""``ResumableDataLoader``: a DataLoader whose place in the epoch survives a restart.

Lightning (2.1+) saves ``state_dict()`` of every train loader that has one in each checkpoint,
and calls ``load_state_dict()`` before iterating again when a run resumes mid-epoch. This loader
saves (1) its random generator as it was when the epoch started and (2) how many batches of the
epoch it has delivered. On resume it rewinds the generator, so the epoch's order is drawn again
identically, and skips the delivered batches by index (no data is loaded for them). The
resumed run then sees exactly the batches the interrupted run had not seen yet, in the same
order, and later epochs shuffle as they would have.

Lightning fetches no batch ahead from a loader that has a length, so "delivered" is "trained
on" when a checkpoint is written. The loader's shuffling, and the seeds of its workers, come
from its own generator rather than torch's global one: resuming then draws nothing from the
global generator, whose state exp_manager restores separately.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import torch
from torch.utils.data import DataLoader, IterableDataset

__all__ = ["ResumableDataLoader"]


class _SkippingIndexSampler:
    """The loader's batch sampler, skipping the first ``skip`` batches of its next epoch only."""

    def __init__(self, inner: Iterable[Any]) -> None:
        self.inner = inner
        self.skip = 0

    def __iter__(self) -> Iterator[Any]:
        skip, self.skip = self.skip, 0
        iterator = iter(self.inner)
        # Exactly ``skip`` batches are drawn, not one more: the sampler's generator must end
        # where the interrupted epoch left it.
        for _ in itertools.islice(iterator, skip):
            pass
        return iterator

    def __len__(self) -> int:
        return len(self.inner)  # type: ignore[arg-type]


class ResumableDataLoader(DataLoader):  # type: ignore[type-arg]
    """A ``torch.utils.data.DataLoader`` that resumes mid-epoch where it stopped.

    Takes DataLoader's arguments (by keyword after ``dataset``) and ``seed``: the seed of the
    loader's own generator (default: drawn from torch's global generator, so
    ``seed_everything`` makes it reproducible). Map-style datasets only: an iterable dataset
    has no index to skip to.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        *,
        seed: int | None = None,
        generator: torch.Generator | None = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(dataset, IterableDataset):
            raise TypeError(
                "ResumableDataLoader needs a map-style dataset (with __getitem__ and __len__); "
                f"{type(dataset).__name__} is an IterableDataset: use a plain DataLoader, which "
                "restarts its epoch on resume"
            )
        if generator is None:
            if seed is None:
                seed = int(torch.randint(0, 2**62, (1,)).item())
            generator = torch.Generator()
            generator.manual_seed(seed)
        self.seed = seed  # public: Lightning rebuilds the loader from its attributes (DDP)
        super().__init__(dataset, batch_size, shuffle, generator=generator, **kwargs)
        self._skipping = _SkippingIndexSampler(super()._index_sampler)
        self._epoch_start_state = generator.get_state()
        self._delivered = 0
        self._pending: dict[str, Any] | None = None
        self._replay_epoch = False
        self._skip_next = 0

    @property
    def _index_sampler(self) -> Any:  # what DataLoader's iterators draw indices from
        return self._skipping

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        if self._pending is not None:
            assert self.generator is not None
            self.generator.set_state(self._pending["generator_state"])
            delivered = int(self._pending["delivered"])
            self._pending = None
            # A finished epoch is drawn again (indices only) before the next one starts; an
            # unfinished one resumes after the delivered batches.
            self._replay_epoch = delivered >= len(self)
            self._skip_next = 0 if self._replay_epoch else delivered
        return self._epoch()

    def _epoch(self) -> Iterator[Any]:
        """One epoch's batches; nothing is drawn until the first batch is asked for.

        Lightning may create an iterator it never uses (when a resumed epoch turns out to be
        finished, it creates another for the next epoch): drawing lazily keeps the generator
        where the next iterator used expects it.
        """
        generator = self.generator
        assert generator is not None
        if self._replay_epoch:
            self._replay_epoch = False
            self._skipping.skip = len(self)
            del self._replay  # placeholder
        self._epoch_start_state = generator.get_state()
        self._skipping.skip = self._delivered = self._skip_next
        self._skip_next = 0
        for batch in super().__iter__():
            self._delivered += 1
            yield batch

    def state_dict(self) -> dict[str, Any]:
        """Where the current epoch started (generator state) and how far it got."""
        return {"generator_state": self._epoch_start_state, "delivered": self._delivered}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Resume the saved epoch at the next iteration."""
        self._pending = {
            "generator_state": state_dict["generator_state"],
            "delivered": state_dict["delivered"],
        }
