"""``DataLoaderConfig``: the arguments of ``torch.utils.data.DataLoader`` as a config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omegaconf import MISSING

__all__ = ["DataLoaderConfig"]


@dataclass
class DataLoaderConfig:
    """DataLoader options with torch's defaults; ``batch_size`` must be given."""

    batch_size: int = MISSING
    shuffle: bool = False
    sampler: Any = None
    batch_sampler: Any = None
    num_workers: int = 0
    collate_fn: Any = None
    pin_memory: bool = False
    drop_last: bool = False
    timeout: int = 0
    worker_init_fn: Any = None
    multiprocessing_context: Any = None
