"""Run the benchmarks: ``tools/nox -s bench [-- --quick] [NAME ...]``.

Every figure is compared with a baseline measured in the same run (see ``_harness``). Prints a
table and writes ``.bench/results.json`` and ``docs/benchmarks.md`` (shown by the README).

* ``--quick``: fewer repetitions and smaller inputs (a 100 MB model, a 100k-line manifest), for
  development; its figures are not the published ones, so it writes ``.bench/results.json``
  only.
* ``NAME ...``: run only these benchmarks (``--list`` names them).
* ``NEMO_PEER_PYTHON=/path/to/python``: also measure NVIDIA NeMo (``nemo-toolkit``) installed
  there, in a column of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, Context, Result
from bench_archive import bench_archive
from bench_asr import bench_training, bench_transcribe
from bench_manifest import bench_manifest
from bench_mt import bench_mt_beam_cache, bench_mt_training
from bench_nlp import bench_import_nlp, bench_nlp_throughput
from bench_startup import (
    bench_import_asr,
    bench_import_core,
    bench_listing_100_plugins,
)
from bench_typecheck import bench_typecheck

BENCHMARKS: dict[str, Callable[[Context], list[Result]]] = {
    "import_core": bench_import_core,
    "import_asr": bench_import_asr,
    "import_nlp": bench_import_nlp,
    "listing_100_plugins": bench_listing_100_plugins,
    "typecheck": bench_typecheck,
    "archive": bench_archive,
    "training": bench_training,
    "transcribe": bench_transcribe,
    "manifest": bench_manifest,
    "nlp_throughput": bench_nlp_throughput,
    "mt_training": bench_mt_training,
    "mt_beam_cache": bench_mt_beam_cache,
}


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    digits = 0 if abs(value) >= 100 else 2 if abs(value) >= 1 else 3
    return f"{value:.{digits}f} {unit}"


def _met(result: Result) -> str:
    return {True: "yes", False: "**no**", None: "-"}[result.ok]


def markdown(results: list[Result], with_peer: bool) -> str:
    header = ["measure", "baseline (same run)", "this toolkit", "target", "met", "notes"]
    if with_peer:
        header.insert(3, "NVIDIA NeMo")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in results:
        cells = [r.measure, r.baseline, _number(r.value, r.unit), r.target, _met(r), r.detail]
        if with_peer:
            cells.insert(3, _number(r.peer, r.unit) if r.peer is not None else r.peer_detail)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _document(table: str, context: Context, seconds: float, load: float) -> str:
    machine = (
        f"{platform.machine()}, {os.cpu_count()} CPUs (load average {load:.1f} at the start), "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    peer = (
        f"The NVIDIA NeMo column is nemo-toolkit {context.peer_version} (with its `asr` extra, "
        "in a virtualenv of its own) measured the same way."
        if context.peer_python
        else "Set `NEMO_PEER_PYTHON` to a Python with `nemo-toolkit` installed to add a column "
        "measuring NVIDIA NeMo the same way."
    )
    return (
        "# Benchmarks\n\n"
        "Written by `tools/nox -s bench` (`tools/bench/`). Each figure is a ratio to, or a "
        "difference from, a baseline measured in the same run: the median of at least 5 "
        "repetitions, fresh processes where start-up is measured, measured and baseline runs "
        "alternating. Absolute times depend on the machine and its load; the ratios are what "
        f"the targets hold. {peer}\n\n"
        f"Last run: {machine}, {seconds / 60:.0f} min.\n\n" + table
    )


_README_MARKS = ("<!-- benchmarks:start -->", "<!-- benchmarks:end -->")


def _show_in_readme(table: str) -> None:
    """Put the table between the README's benchmark markers (left alone when they are absent)."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = _README_MARKS
    before, found, rest = text.partition(start)
    _, found_end, after = rest.partition(end)
    if found and found_end:
        readme.write_text(f"{before}{start}\n{table}{end}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (all)")
    parser.add_argument("--quick", action="store_true", help="smaller and fewer: development")
    parser.add_argument("--list", action="store_true", help="list the benchmarks")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(BENCHMARKS))
        return 0
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {list(BENCHMARKS)}")
    chosen = args.names or list(BENCHMARKS)
    out = ROOT / ".bench"
    scratch = out / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    context = Context.create(quick=args.quick, scratch=scratch)
    if context.peer_problem:
        print(f"NVIDIA NeMo not measured: {context.peer_problem}", file=sys.stderr)
    results: list[Result] = []
    started, load = time.perf_counter(), os.getloadavg()[0]
    try:
        for name in chosen:
            print(f"running {name} ...", flush=True)
            begun = time.perf_counter()
            results.extend(BENCHMARKS[name](context))
            print(f"  {name}: {time.perf_counter() - begun:.0f} s", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    table = markdown(results, with_peer=context.peer_python is not None)
    print(table)
    record = {
        "quick": args.quick,
        "peer_python": context.peer_python,
        "peer_version": context.peer_version,
        "results": [r.to_dict() for r in results],
    }
    (out / "results.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    if not args.quick and not args.names:
        document = _document(table, context, time.perf_counter() - started, load)
        (ROOT / "docs" / "benchmarks.md").write_text(document)
        _show_in_readme(table)
    failed = [r.key for r in results if r.ok is False]
    if failed:
        print(f"targets not met: {', '.join(failed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
