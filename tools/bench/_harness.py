"""Timing helpers: medians over repetitions, fresh processes for start-up costs."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

__all__ = ["Result", "median_process_seconds", "median_seconds"]


@dataclass
class Result:
    """One row of the table: a figure measured against its same-run baseline."""

    measure: str
    baseline: str
    value: float
    unit: str
    target: str
    ok: bool
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_process_seconds(
    code: str, repeat: int = 7, env: Mapping[str, str] | None = None
) -> float:
    """Wall time of ``python -c code`` in a fresh process, median of ``repeat`` runs."""
    import os

    full_env = {**os.environ, **(env or {})}
    run = [sys.executable, "-c", code]
    subprocess.run(run, check=True, env=full_env)  # warm the file cache once
    return median_seconds(lambda: subprocess.run(run, check=True, env=full_env), repeat)
