"""Start-up costs, in fresh processes: importing nemo.core and nemo.collections.asr, and
listing every registration with 100 plugin distributions installed."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from _harness import Context, Result, interleaved_process_seconds, median_added

__all__ = ["bench_import_asr", "bench_import_core", "bench_listing_100_plugins"]

_PLUGIN = """
from nemo.core.plugins import hookimpl

@hookimpl
def nemo_register(registrar):
    registrar.optimizer("opt{i}", "dummy{i}_impl:Opt", params="dummy{i}_impl:Params")
    registrar.scheduler("Sched{i}", "dummy{i}_impl:Sched", params="dummy{i}_impl:Params")
    registrar.model("Model{i}", "dummy{i}_impl:Model")
    registrar.pretrained("model{i}_en", class_="dummy{i}_impl:Model", location="/m/{i}.nemo")
"""
_LIST_ALL = """
import sys
from nemo.core import plugins
total = sum(len(plugins.get_registry(kind).names()) for kind in plugins.KINDS)
assert total >= 400, total
imported = [m for m in sys.modules if m.startswith("dummy") and m.endswith("_impl")]
assert not imported, imported
"""
# The same listing through the libraries that the stand-ins replace: entry points from
# importlib.metadata (with packaging for requirements) and hook implementations read by pluggy.
_THROUGH_LIBRARIES = """
from nemo.core.plugins import _distributions, _manager
_distributions._scan_sys_path = lambda group: None
_manager.plain_hookimpls = lambda plugin, specs: None
"""
# The Lightning package the interpreter has: NeMo 2.x uses `lightning.pytorch`.
_LIGHTNING = """
try:
    import pytorch_lightning
except ImportError:
    import lightning.pytorch
"""


def _import_added(
    context: Context, python: str, baseline: str, measured: str, repeat: int
) -> tuple[float, float]:
    times = interleaved_process_seconds(
        python, {"baseline": baseline, "measured": f"{baseline}\n{measured}"}, repeat=repeat
    )
    return median_added(times["measured"], times["baseline"]), statistics.median(times["baseline"])


def _peer_import(context: Context, baseline: str, measured: str) -> tuple[float | None, str]:
    if context.peer_python is None:
        return None, context.peer_problem
    try:
        added, base = _import_added(context, context.peer_python, baseline, measured, 5)
    except RuntimeError as exc:
        return None, f"failed: {str(exc).strip().splitlines()[-1][:200]}"
    return added, f"baseline {base:.3f} s"


def bench_import_core(context: Context) -> list[Result]:
    added, base = _import_added(
        context, context.python, "import torch", "import nemo.core", context.repeat + 4
    )
    peer, peer_detail = _peer_import(context, "import torch", "import nemo.core")
    return [
        Result(
            "import_core",
            "`import nemo.core`",
            f"`import torch` ({base:.3f} s)",
            added,
            "s added",
            "≤ 0.15 s",
            added <= 0.15,
            peer=peer,
            peer_detail=peer_detail,
        )
    ]


def bench_import_asr(context: Context) -> list[Result]:
    """The import itself, and (informational) the eager equivalent of NeMo's import: our
    package imports its models on first use, NeMo's ``import nemo.collections.asr`` does it
    at once."""
    repeat = context.repeat
    added, base = _import_added(
        context, context.python, _LIGHTNING, "import nemo.collections.asr", repeat
    )
    eager, _ = _import_added(
        context,
        context.python,
        _LIGHTNING,
        "import nemo.collections.asr as nemo_asr\nnemo_asr.models.EncDecCTCModel",
        repeat,
    )
    peer, peer_detail = _peer_import(context, _LIGHTNING, "import nemo.collections.asr")
    return [
        Result(
            "import_asr",
            "`import nemo.collections.asr`",
            f"`import pytorch_lightning` ({base:.3f} s)",
            added,
            "s added",
            "≤ 0.4 s",
            added <= 0.4,
            detail=f"with `nemo_asr.models.EncDecCTCModel` too: {eager:.3f} s added",
            peer=peer,
            peer_detail=peer_detail,
            extra={"eager_added_s": eager},
        )
    ]


def _write_dummy_site(site: Path, count: int) -> None:
    for i in range(count):
        (site / f"dummy{i}_plugin.py").write_text(_PLUGIN.format(i=i))
        (site / f"dummy{i}_impl.py").write_text("raise ImportError('never imported by listing')\n")
        info = site / f"nemo_dummy{i}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: nemo-dummy{i}\nVersion: 1.0\n"
            "Requires-Dist: nemo-core>=0.1\n"
        )
        (info / "entry_points.txt").write_text(f"[nemo.plugins]\ndummy{i} = dummy{i}_plugin\n")


def bench_listing_100_plugins(context: Context) -> list[Result]:
    with tempfile.TemporaryDirectory(dir=context.scratch) as tmp:
        site = Path(tmp)
        _write_dummy_site(site, 100)
        times = interleaved_process_seconds(
            context.python,
            {
                "empty": "pass",
                "listing": _LIST_ALL,
                "libraries": _THROUGH_LIBRARIES + _LIST_ALL,
            },
            repeat=context.repeat + 4,
            env={"PYTHONPATH": str(site)},
        )
    added = median_added(times["listing"], times["empty"])
    through_libraries = median_added(times["libraries"], times["empty"])
    empty = statistics.median(times["empty"])
    gain = through_libraries / added if added > 0 else None
    return [
        Result(
            "listing_100_plugins",
            "list every registration, 100 plugin distributions installed",
            f"empty Python start ({empty * 1000:.0f} ms)",
            added * 1000,
            "ms added",
            "≤ 50 ms, no implementation imported",
            added <= 0.050,
            detail="no implementation module imported (asserted)",
            peer_detail="n/a: NeMo has no plugin registry",
        ),
        Result(
            "listing_stand_ins",
            "the same listing, via importlib.metadata + packaging + pluggy ÷ via the stand-ins "
            "(_distributions, _hookimpls, _markers)",
            f"the stand-ins ({added * 1000:.0f} ms added)",
            gain,
            "x slower without them",
            "≥ 1.5x: else drop the stand-ins for the libraries",
            gain is not None and gain >= 1.5,
            detail=f"through the libraries: {through_libraries * 1000:.0f} ms added",
            peer_detail="n/a",
        ),
    ]
