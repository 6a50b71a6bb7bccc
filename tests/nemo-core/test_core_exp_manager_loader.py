"""ResumableDataLoader: each epoch's order from (seed, epoch); a saved position resumes exactly."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import torch
from torch.utils.data import DistributedSampler, IterableDataset, TensorDataset

from nemo.utils.resumable_loader import ResumableDataLoader


def dataset(n: int = 10) -> TensorDataset:
    return TensorDataset(torch.arange(n))


def epoch(loader: Any, limit: int | None = None) -> list[list[int]]:
    """The batches of one pass (the first ``limit`` only, as an interrupted run takes them)."""
    return [batch.tolist() for (batch,) in itertools.islice(loader, limit)]


def test_shuffles_each_epoch_differently_and_reproducibly() -> None:
    first = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=7)
    second = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=7)
    epochs = [epoch(first) for _ in range(3)]
    assert epochs == [epoch(second) for _ in range(3)]
    assert epochs[0] != epochs[1] != epochs[2]
    assert sorted(i for batch in epochs[0] for i in batch) == list(range(10))
    assert len(first) == 4
    other_seed = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=8)
    assert epoch(other_seed) != epochs[0]


def test_seed_defaults_to_torch_global_generator() -> None:
    torch.manual_seed(3)
    a = ResumableDataLoader(dataset(), batch_size=2, shuffle=True)
    torch.manual_seed(3)
    b = ResumableDataLoader(dataset(), batch_size=2, shuffle=True)
    assert a.seed == b.seed and epoch(a) == epoch(b)


def test_resumes_mid_epoch_then_continues_as_uninterrupted() -> None:
    reference = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=1)
    expected = [epoch(reference) for _ in range(3)]

    interrupted = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=1)
    epoch(interrupted)
    assert epoch(interrupted, limit=2) == expected[1][:2]
    state = interrupted.state_dict()
    assert state == {"epoch": 1, "delivered": 2}

    resumed = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=1)
    resumed.load_state_dict(state)
    assert epoch(resumed) == expected[1][2:]
    assert epoch(resumed) == expected[2]
    # resumed twice within one epoch: the count goes on from the first resume
    again = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=1)
    again.load_state_dict(state)
    assert epoch(again, limit=1) == expected[1][2:3]
    third = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=1)
    third.load_state_dict(again.state_dict())
    assert again.state_dict() == {"epoch": 1, "delivered": 3}
    assert epoch(third) == expected[1][3:]


def test_a_finished_epoch_resumes_into_the_next() -> None:
    reference = ResumableDataLoader(dataset(), batch_size=4, shuffle=True, seed=2)
    expected = [epoch(reference) for _ in range(2)]
    resumed = ResumableDataLoader(dataset(), batch_size=4, shuffle=True, seed=2)
    resumed.load_state_dict({"epoch": 0, "delivered": 3})
    assert epoch(resumed) == expected[1]


def test_an_iterator_never_used_does_not_count() -> None:
    loader = ResumableDataLoader(dataset(), batch_size=5, shuffle=True, seed=4)
    loader.load_state_dict({"epoch": 0, "delivered": 1})
    unused = iter(loader)  # Lightning may create one and then another
    del unused
    reference = ResumableDataLoader(dataset(), batch_size=5, shuffle=True, seed=4)
    assert epoch(loader) == epoch(reference)[1:]


def test_sequential_order_resumes_too() -> None:
    loader = ResumableDataLoader(dataset(), batch_size=4)
    loader.load_state_dict({"epoch": 5, "delivered": 2})
    assert epoch(loader) == [[8, 9]]
    assert epoch(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_distributed_sampler_positions_per_rank() -> None:
    sampler = DistributedSampler(dataset(), num_replicas=2, rank=1, shuffle=True, seed=0)
    loader = ResumableDataLoader(dataset(), batch_size=2, sampler=sampler)
    sampler.set_epoch(3)
    full = epoch(loader)
    sampler2 = DistributedSampler(dataset(), num_replicas=2, rank=1, shuffle=True, seed=0)
    resumed = ResumableDataLoader(dataset(), batch_size=2, sampler=sampler2)
    resumed.load_state_dict({"epoch": 3, "delivered": 1})
    assert epoch(resumed) == full[1:]


def test_lightning_rebuilds_it_with_a_distributed_sampler() -> None:
    from pytorch_lightning.utilities.data import _update_dataloader

    loader = ResumableDataLoader(dataset(), batch_size=2, shuffle=True, seed=5)
    sampler = DistributedSampler(dataset(), num_replicas=2, rank=0, shuffle=True, seed=0)
    rebuilt = _update_dataloader(loader, sampler)
    assert type(rebuilt) is ResumableDataLoader
    assert rebuilt.seed == 5 and rebuilt.sampler is sampler
    assert sorted(i for batch in epoch(rebuilt) for i in batch) == sorted(sampler)


def test_iterable_datasets_are_refused() -> None:
    class Stream(IterableDataset):  # type: ignore[type-arg]
        def __iter__(self) -> Any:
            return iter(range(3))

    with pytest.raises(TypeError, match="map-style dataset"):
        ResumableDataLoader(Stream())


def test_workers_get_the_same_batches() -> None:
    single = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=9)
    workers = ResumableDataLoader(dataset(), batch_size=3, shuffle=True, seed=9, num_workers=1)
    assert epoch(single) == epoch(workers)
    workers.load_state_dict({"epoch": 1, "delivered": 2})
    assert epoch(workers) == epoch(single)[2:]
