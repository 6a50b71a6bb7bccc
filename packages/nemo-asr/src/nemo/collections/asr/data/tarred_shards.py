"""Reading sharded tar datasets: shard lists, which shards a rank and a worker read, streaming.

A tarred dataset is a set of tar files (shards) holding the audio, plus one manifest whose
``audio_filepath`` values are member names. Shards are named with brace patterns,
``audio_{0..7}.tar`` or ``{a,b}.tar`` (NeMo's ``_OP_``/``_CL_`` spell ``{``/``}``).

Distribution: with ``scatter`` each rank reads its own contiguous block of shards (the shards left
over after an even split are not read, as in NeMo: ranks must see equally many utterances or
DDP stalls); with ``replicate`` every rank reads every shard. Inside a rank, DataLoader worker
``w`` of ``W`` reads every W-th of the rank's shards.
"""

from __future__ import annotations

import itertools
import random
import re
import tarfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from nemo.utils import logging

__all__ = [
    "expand_sharded_filepaths",
    "file_id",
    "iterate_tar_members",
    "shards_for_rank",
    "shards_for_worker",
    "shuffle_buffer",
]

_T = TypeVar("_T")
_RANGE = re.compile(r"\{(-?\d+)\.\.(-?\d+)\}")
_BRACES = re.compile(r"\{([^{}]*)\}")
SHARD_STRATEGIES = ("scatter", "replicate")


def _expand_one(pattern: str) -> list[str]:
    match = _BRACES.search(pattern)
    if match is None:
        return [pattern]
    body = match.group(1)
    numeric = _RANGE.fullmatch(match.group(0))
    if numeric:
        first, last = numeric.group(1), numeric.group(2)
        width = len(first) if first.startswith("0") and len(first) > 1 else 0
        low, high = int(first), int(last)
        step = 1 if high >= low else -1
        options = [str(n).zfill(width) for n in range(low, high + step, step)]
    elif "," in body:
        options = body.split(",")
    else:
        raise ValueError(
            f"cannot expand {{{body}}} in {pattern!r}: use {{first..last}} or {{a,b,...}}"
        )
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [expanded for option in options for expanded in _expand_one(head + option + tail)]


def expand_sharded_filepaths(filepaths: str | Sequence[str]) -> list[str]:
    """Every shard path named by ``filepaths`` (brace patterns, or a list of patterns)."""
    patterns = [filepaths] if isinstance(filepaths, str) else [str(p) for p in filepaths]
    expanded: list[str] = []
    for pattern in patterns:
        pattern = pattern.replace("_OP_", "{").replace("_CL_", "}")  # noqa: PLW2901
        expanded += _expand_one(pattern)
    if not expanded:
        raise ValueError(f"no tar shard in tarred_audio_filepaths={filepaths!r}")
    return expanded


def shards_for_rank(
    shards: Sequence[str], strategy: str, global_rank: int, world_size: int
) -> list[str]:
    """The shards rank ``global_rank`` of ``world_size`` reads (see the module docstring)."""
    if strategy not in SHARD_STRATEGIES:
        raise ValueError(
            f"tarred_shard_strategy must be one of {SHARD_STRATEGIES}, got {strategy!r}"
        )
    if world_size <= 1 or strategy == "replicate":
        return list(shards)
    if not 0 <= global_rank < world_size:
        raise ValueError(f"global_rank {global_rank} is outside [0, world_size={world_size})")
    if len(shards) < world_size:
        raise ValueError(
            f"{len(shards)} tar shards cannot be scattered over {world_size} ranks: make at "
            "least one shard per rank, or use tarred_shard_strategy: replicate"
        )
    per_rank = len(shards) // world_size
    if len(shards) % world_size:
        logging.warning(
            f"{len(shards)} tar shards do not split evenly over {world_size} ranks: the last "
            f"{len(shards) % world_size} are not read; make the shard count a multiple of the "
            "world size"
        )
    return list(shards[global_rank * per_rank : (global_rank + 1) * per_rank])


def shards_for_worker(shards: Sequence[str], worker_id: int, num_workers: int) -> list[str]:
    """Worker ``worker_id`` of ``num_workers`` reads every ``num_workers``-th shard."""
    if num_workers > len(shards) and worker_id == 0:
        logging.warning(
            f"{num_workers} DataLoader workers share {len(shards)} tar shard(s): "
            f"{num_workers - len(shards)} worker(s) stay idle; use more shards or fewer workers"
        )
    return list(shards[worker_id::num_workers])


def iterate_tar_members(shards: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """``(member name, bytes)`` of every file in the shards, streamed in order."""
    for shard in shards:
        try:
            with tarfile.open(shard, mode="r|*") as archive:
                for member in archive:
                    if not member.isfile():
                        continue
                    handle = archive.extractfile(member)
                    if handle is not None:
                        yield member.name, handle.read()
        except (tarfile.TarError, OSError) as error:
            raise OSError(f"cannot read tar shard {shard}: {error}") from error


def shuffle_buffer(items: Iterable[_T], size: int, rng: random.Random) -> Iterator[_T]:
    """``items`` in random order, holding at most ``size`` of them at a time."""
    if size <= 1:
        yield from items
        return
    iterator = iter(items)
    buffer = list(itertools.islice(iterator, size))
    for item in iterator:
        index = rng.randrange(len(buffer))
        yield buffer[index]
        buffer[index] = item
    rng.shuffle(buffer)
    yield from buffer


def file_id(name: str) -> str:
    """The key joining a tar member to manifest entries: its base name without extension."""
    return Path(name).stem
