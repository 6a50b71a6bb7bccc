"""Parsing a 1M-line NeMo manifest against ``json.loads`` of each line of the same file.

Speed: the baseline's time over the parser's (1.0: as fast as decoding the JSON alone). Memory:
what the parsed result holds (``tracemalloc``, in a separate pass) minus the bytes of the
strings it holds (paths, transcripts), per entry.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _harness import Context, Result, not_available

__all__ = ["bench_manifest", "measure_manifest"]

_WORDS = ("turn", "the", "red", "lamp", "on", "move", "brown", "light", "five", "take", "camera")


def _write_manifest(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(lines):
            words = " ".join(_WORDS[(i >> shift) % len(_WORDS)] for shift in (0, 3, 6, 9, 12))
            row = {
                "audio_filepath": f"audio/train/utt_{i:07d}.flac",
                "duration": round(1.0 + (i % 500) / 100, 3),
                "text": f"{words} {i}",
            }
            out.write(json.dumps(row) + "\n")


def _json_lines(path: Path) -> None:
    loads = json.loads
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            loads(line)


def _parser() -> tuple[str, Any]:
    """Ours (``read_manifest``), else NeMo's (``manifest.item_iter`` into a list)."""
    try:
        from nemo.collections.asr.parts.preprocessing.manifest import read_manifest

        return "read_manifest", read_manifest
    except ImportError:
        from nemo.collections.common.parts.preprocessing.manifest import item_iter

        return "list(item_iter(...))", lambda path: list(item_iter(str(path)))


def _string_bytes(root: object) -> int:
    """Bytes of the distinct ``str`` objects within three references of ``root``."""
    seen: set[int] = set()
    total = 0
    frontier = [root]
    for _ in range(3):
        following = []
        for obj in frontier:
            for ref in gc.get_referents(obj):
                if id(ref) in seen:
                    continue
                seen.add(id(ref))
                if type(ref) is str:
                    total += sys.getsizeof(ref)
                else:
                    following.append(ref)
        frontier = following
    return total


def measure_manifest(quick: bool, scratch: str) -> dict[str, Any]:
    import tracemalloc

    lines = 100_000 if quick else 1_000_000
    path = Path(scratch) / f"manifest_{lines}.json"
    _write_manifest(path, lines)
    try:
        name, parse = _parser()
        parse(path)  # warm the file cache
        baseline, parsed = [], []
        for _ in range(5):
            start = time.perf_counter()
            _json_lines(path)
            baseline.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = parse(path)
            parsed.append(time.perf_counter() - start)
            assert len(result) == lines, len(result)
            del result
        gc.collect()
        tracemalloc.start()
        result = parse(path)
        held, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        strings = _string_bytes(result)
    finally:
        path.unlink(missing_ok=True)
    return {
        "parser": name,
        "json_s": statistics.median(baseline),
        "parse_s": statistics.median(parsed),
        "lines": lines,
        "bytes_per_entry": (held - strings) / lines,
        "string_bytes_per_entry": strings / lines,
    }


def bench_manifest(context: Context) -> list[Result]:
    key, measure, target = "manifest", "parsing a 1M-line manifest", "≥ 0.8; ≤ 200 B/entry"
    try:
        ours = context.worker(context.python, "bench_manifest:measure_manifest")
    except RuntimeError as exc:
        return [not_available(key, measure, target, str(exc).strip().splitlines()[-1])]
    peer, peer_detail = context.peer("bench_manifest:measure_manifest")
    speed = ours["json_s"] / ours["parse_s"]
    per_entry = ours["bytes_per_entry"]
    lines = f"{ours['lines'] // 1000}k" if ours["lines"] < 1_000_000 else "1M"
    return [
        Result(
            key,
            f"parsing a {lines}-line manifest (`{ours['parser']}`)",
            f"`json.loads` per line of the same file ({ours['json_s']:.2f} s)",
            speed,
            "x baseline",
            target,
            speed >= 0.8 and per_entry <= 200,
            detail=f"parse {ours['parse_s']:.2f} s; {per_entry:.0f} B/entry beyond the strings "
            f"({ours['string_bytes_per_entry']:.0f} B of strings)",
            peer=None if peer is None else peer["json_s"] / peer["parse_s"],
            peer_detail=peer_detail
            or ("" if peer is None else f"{peer['bytes_per_entry']:.0f} B/entry beyond strings"),
            extra={"bytes_per_entry": per_entry},
        )
    ]
