"""Manifest parsing: speed against ``json.loads`` per line, and memory per entry (1M lines)."""

from __future__ import annotations

import gc
import json
import random
import tempfile
import tracemalloc
from pathlib import Path

from _harness import Result, median_seconds

__all__ = ["bench_manifest_memory", "bench_manifest_speed"]

_LINES = 1_000_000
_WORDS = ("move", "turn", "open", "close", "the", "a", "my", "red", "green", "box", "door", "one")


def _write_manifest(path: Path, lines: int = _LINES) -> None:
    rng = random.Random(0)
    with path.open("w") as handle:
        for i in range(lines):
            entry = {
                "audio_filepath": f"audio/train/utt_{i:07d}.flac",
                "duration": round(rng.uniform(1, 15), 3),
                "text": " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 12))),
            }
            handle.write(json.dumps(entry) + "\n")


def _json_loads_per_line(path: Path) -> list[object]:
    with path.open() as handle:
        return [json.loads(line) for line in handle]


def bench_manifest_speed() -> Result:
    from nemo.collections.asr.parts.preprocessing.manifest import read_manifest

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.json"
        _write_manifest(path)
        baseline = median_seconds(lambda: _json_loads_per_line(path), repeat=3)
        ours = median_seconds(lambda: read_manifest(path), repeat=3)
    speed = baseline / ours
    return Result(
        "read_manifest, 1M lines",
        f"json.loads per line ({baseline:.2f} s)",
        speed,
        "x baseline speed",
        ">= 0.8",
        speed >= 0.8,
        f"{ours:.2f} s",
    )


def bench_manifest_memory() -> Result:
    from nemo.collections.asr.parts.preprocessing.manifest import read_manifest

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.json"
        _write_manifest(path)
        gc.collect()
        tracemalloc.start()
        try:
            entries = read_manifest(path)
            used, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    strings = sum(s.__sizeof__() for s in entries.texts) + sum(
        entries.raw_audio_file(i).__sizeof__() for i in range(len(entries))
    )
    per_entry = (used - strings) / len(entries)
    return Result(
        "manifest memory per entry, beyond its strings",
        "",
        per_entry,
        "bytes",
        "<= 200",
        per_entry <= 200,
    )
