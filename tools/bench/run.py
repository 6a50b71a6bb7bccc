"""Run the benchmarks: ``tools/nox -s bench`` (or ``python tools/bench/run.py [NAME…]``).

Every figure is compared with a baseline measured in the same run. Prints a table and writes
``.bench/results.json`` and ``docs/benchmarks.md``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _harness import Result  # noqa: E402
from bench_manifest import bench_manifest_memory, bench_manifest_speed  # noqa: E402
from bench_startup import bench_import_core, bench_listing_100_plugins  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS: dict[str, Callable[[], Result]] = {
    "import_core": bench_import_core,
    "listing_100_plugins": bench_listing_100_plugins,
    "manifest_speed": bench_manifest_speed,
    "manifest_memory": bench_manifest_memory,
}


def _markdown(results: list[Result]) -> str:
    lines = [
        "| measure | baseline (same run) | value | target | met |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        mark = "yes" if r.ok else "**no**"
        lines.append(
            f"| {r.measure} | {r.baseline} | {r.value:.3f} {r.unit} | {r.target} | {mark} |"
        )
    return "\n".join(lines) + "\n"


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}", file=sys.stderr)
        return 2
    results = []
    for name in chosen:
        print(f"running {name} ...", flush=True)
        results.append(BENCHMARKS[name]())
    table = _markdown(results)
    print(table)
    out = ROOT / ".bench"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps([r.to_dict() for r in results], indent=2))
    (ROOT / "docs" / "benchmarks.md").write_text(
        "# Benchmarks\n\nWritten by `tools/nox -s bench`; each figure against a baseline "
        "measured in the same run (median of at least 5 repetitions, fresh processes for "
        "start-up).\n\n" + table
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
