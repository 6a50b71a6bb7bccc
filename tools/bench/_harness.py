"""What every benchmark shares: result rows, medians, fresh processes, workers, the peer.

Every figure is a ratio to (or a difference from) a baseline measured in the same run, as a
median of at least five repetitions; where start-up is measured each repetition is a fresh
process, and the measured and baseline processes alternate so that a change of machine load
during the run affects both alike.

Subprocesses run with bytecode caching on, as in any installed package (``pip`` compiles
bytecode at install time), even if the calling shell sets ``PYTHONDONTWRITEBYTECODE``; the
caches go under ``.bench/pycache`` rather than into the source tree.

``NEMO_PEER_PYTHON``: a Python with NVIDIA's ``nemo-toolkit`` installed (its own virtualenv,
never one of our dependencies); the same measures then run for it as well.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "BENCH_DIR",
    "ROOT",
    "Context",
    "Result",
    "interleaved_process_seconds",
    "median_added",
    "median_seconds",
    "not_available",
    "peak_rss_bytes",
]

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parents[1]
_RESULT_MARK = "BENCH-RESULT "
PEER_ENV = "NEMO_PEER_PYTHON"


@dataclass
class Result:
    """One row of the table: a figure measured against its same-run baseline.

    ``value`` is ``None`` when the measure could not be taken (``detail`` says why); ``peer`` is
    the same measure for NVIDIA NeMo (``None``: not run; ``peer_detail`` says why).
    """

    key: str
    measure: str
    baseline: str
    value: float | None
    unit: str
    target: str
    ok: bool | None
    detail: str = ""
    peer: float | None = None
    peer_detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def not_available(key: str, measure: str, target: str, why: str) -> Result:
    """A row for a measure that cannot be taken (yet)."""
    return Result(key, measure, "-", None, "", target, None, f"not available yet: {why}")


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``fn()`` over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of measured subprocesses (see the module docstring)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(ROOT / ".bench" / "pycache")
    env.setdefault("TQDM_DISABLE", "1")
    env.update(extra or {})
    return env


def interleaved_process_seconds(
    python: str,
    codes: Mapping[str, str],
    repeat: int = 7,
    env: Mapping[str, str] | None = None,
) -> dict[str, list[float]]:
    """Wall times of ``python -c code`` for each code, ``repeat`` fresh processes each, the codes
    alternating (round ``i`` of every code ran back to back)."""
    full_env = bench_env(env)
    commands = {name: [python, "-c", code] for name, code in codes.items()}
    for command in commands.values():  # warm the file cache and write the bytecode caches
        _run_checked(command, full_env)
    times: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(repeat):
        for name, command in commands.items():
            start = time.perf_counter()
            _run_checked(command, full_env)
            times[name].append(time.perf_counter() - start)
    return times


def median_added(measured: list[float], baseline: list[float]) -> float:
    """The median of the paired differences: slow drifts of the machine's load cancel out."""
    return statistics.median(m - b for m, b in zip(measured, baseline, strict=True))


def _run_checked(command: list[str], env: Mapping[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{command[0]} -c ... exited {done.returncode}:\n{command[-1]}\n{done.stderr[-3000:]}"
        )


def peak_rss_bytes() -> int:
    """This process's peak resident set size so far (Linux ``VmHWM``)."""
    with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass
class Context:
    """What a benchmark needs: the interpreters to measure, quick mode, a scratch directory."""

    quick: bool
    scratch: Path
    python: str = sys.executable
    peer_python: str | None = None
    peer_version: str = ""  # nemo-toolkit's
    peer_problem: str = ""  # why the peer is not measured, when NEMO_PEER_PYTHON is set

    @classmethod
    def create(cls, quick: bool, scratch: Path) -> Context:
        context = cls(quick=quick, scratch=scratch)
        peer = os.environ.get(PEER_ENV, "").strip()
        if peer:
            context.peer_version, context.peer_problem = _peer_version(peer)
            if not context.peer_problem:
                context.peer_python = peer
        return context

    @property
    def repeat(self) -> int:
        return 5 if self.quick else 7

    def worker(
        self,
        python: str,
        target: str,
        timeout: float = 1800,
        env: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Run ``module:function(quick=..., scratch=..., **kwargs)`` of this directory in a fresh
        process of ``python`` (environment: :func:`bench_env` plus ``env``) and return the dict
        it returns."""
        command = [
            python,
            str(BENCH_DIR / "_worker.py"),
            target,
            json.dumps({"quick": self.quick, "scratch": str(self.scratch), **kwargs}),
        ]
        done = subprocess.run(
            command,
            env=bench_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        for line in reversed(done.stdout.splitlines()):
            if line.startswith(_RESULT_MARK):
                result: dict[str, Any] = json.loads(line[len(_RESULT_MARK) :])
                return result
        raise RuntimeError(
            f"worker {target} under {python} exited {done.returncode} without a result:\n"
            f"{done.stderr[-4000:]}"
        )

    def peer(self, target: str, **kwargs: Any) -> tuple[dict[str, Any] | None, str]:
        """The worker's result under the peer Python, or ``None`` and why not."""
        if self.peer_python is None:
            return None, self.peer_problem
        try:
            return self.worker(self.peer_python, target, **kwargs), ""
        except Exception as exc:  # the peer's failure is reported in its column, not fatal
            return None, f"failed: {str(exc).strip().splitlines()[-1][:300]}"


def _peer_version(python: str) -> tuple[str, str]:
    """nemo-toolkit's version under ``python``, or ``""`` and why it cannot be measured."""
    if not Path(python).is_file():
        return "", f"{PEER_ENV}={python!r} is not a file"
    code = "from importlib.metadata import version; print(version('nemo-toolkit'))"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return "", f"{PEER_ENV}={python!r} has no nemo-toolkit installed"
    return done.stdout.strip(), ""


def emit(result: Mapping[str, Any]) -> None:
    """Used by the worker: print the result where :meth:`Context.worker` finds it."""
    print(_RESULT_MARK + json.dumps(result), flush=True)
