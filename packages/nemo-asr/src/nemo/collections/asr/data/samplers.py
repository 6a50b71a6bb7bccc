"""Duration-bucketed sampling: batches of utterances of similar length, so little is padding.

Random batches of speech waste much of their compute on padding (a 2 s and a 15 s utterance in
one batch cost 30 s). :class:`DurationBucketingSampler` shuffles the utterances, cuts them into
pools of ``pool_batches`` batches, sorts each pool by duration and cuts it into batches, then
shuffles the batch order. ``pool_batches=0`` sorts the whole set (least padding, batches fixed
across epochs); without shuffling the batches come in order of duration.

It is a ``DistributedSampler``: given ``num_replicas``/``rank`` it hands each rank a disjoint,
equally long share of whole batches, and Lightning, seeing a distributed sampler, leaves it in
place (and calls ``set_epoch``) instead of replacing it with its own. Unlike torch's
``DistributedSampler``, an epoch nobody announced with ``set_epoch`` still gets a new order: a
second pass over the sampler without ``set_epoch`` in between moves to the next epoch.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

import torch.utils.data

__all__ = ["DurationBucketingSampler"]


class DurationBucketingSampler(torch.utils.data.DistributedSampler):  # type: ignore[type-arg]
    """Yields this rank's indices, grouped so that each run of ``batch_size`` is one batch.

    Use it as the ``sampler`` of a DataLoader with the same ``batch_size`` and ``drop_last``.
    """

    def __init__(
        self,
        durations: Sequence[float],
        batch_size: int,
        *,
        shuffle: bool = True,
        drop_last: bool = False,
        pool_batches: int = 32,
        num_replicas: int = 1,
        rank: int = 0,
        seed: int = 0,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if pool_batches < 0:
            raise ValueError(f"pool_batches must be >= 0 (0: sort all), got {pool_batches}")
        if not 0 <= rank < num_replicas:
            raise ValueError(f"rank {rank} is outside [0, num_replicas={num_replicas})")
        super().__init__(
            list(durations),  # type: ignore[arg-type]  # only its length is used
            num_replicas=num_replicas,
            rank=rank,
            shuffle=shuffle,
            seed=seed,
            drop_last=drop_last,
        )
        self.durations = list(durations)
        self.batch_size = batch_size
        self.pool_batches = pool_batches
        count = len(self.durations)
        if num_replicas == 1:
            self.num_samples = count - count % batch_size if drop_last else count
        else:
            self.num_samples = self._batches_per_rank() * batch_size
        self.total_size = self.num_samples * num_replicas
        self._last_epoch: int | None = None

    def __iter__(self) -> Iterator[int]:
        if self._last_epoch == self.epoch:  # no set_epoch since the last pass
            self.epoch += 1
        self._last_epoch = self.epoch
        return (index for batch in self.batches() for index in batch)

    def __len__(self) -> int:
        return self.num_samples

    def batches(self) -> list[list[int]]:
        """This rank's batches for the current epoch (what a DataLoader will form)."""
        own = self._ordered()[self.rank :: self.num_replicas]
        return own[: self._batches_per_rank()]

    def _batches_per_rank(self) -> int:
        count = len(self.durations)
        if self.num_replicas == 1:
            full, partial = divmod(count, self.batch_size)
            return full + (1 if partial and not self.drop_last else 0)
        # Several ranks: only whole batches, padded by repetition (or trimmed with drop_last).
        per_round = self.batch_size * self.num_replicas
        return count // per_round if self.drop_last else -(-count // per_round)

    def _ordered(self) -> list[list[int]]:
        """Every batch of the epoch, in the order they will be dealt to the ranks."""
        rng = random.Random(self.seed + self.epoch)
        indices = list(range(len(self.durations)))
        if self.shuffle:
            rng.shuffle(indices)
        if self.num_replicas > 1 and indices:
            needed = self._batches_per_rank() * self.batch_size * self.num_replicas
            while len(indices) < needed:  # pad with repeats, as DistributedSampler does
                indices += indices[: needed - len(indices)]
            indices = indices[:needed]
        pool = self.batch_size * self.pool_batches if self.pool_batches else len(indices)
        key = self.durations.__getitem__
        ordered: list[int] = []
        for start in range(0, len(indices), max(pool, 1)):
            ordered += sorted(indices[start : start + pool], key=key)
        size = self.batch_size
        batches = [ordered[i : i + size] for i in range(0, len(ordered), size)]
        partial = batches.pop() if batches and len(batches[-1]) < size else None
        if self.shuffle:
            rng.shuffle(batches)
        if partial is not None and not self.drop_last:
            batches.append(partial)  # last, so that every earlier batch stays whole
        return batches
