"""Start-up costs: importing nemo.core, and discovering 100 installed plugin distributions."""

from __future__ import annotations

import tempfile
from pathlib import Path

from _harness import Result, median_process_seconds

__all__ = ["bench_import_core", "bench_listing_100_plugins"]

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


def bench_import_core() -> Result:
    torch_only = median_process_seconds("import torch")
    with_core = median_process_seconds("import torch; import nemo.core")
    added = with_core - torch_only
    return Result(
        "import nemo.core",
        f"import torch ({torch_only:.3f} s)",
        added,
        "s added",
        "<= 0.15 s",
        added <= 0.15,
    )


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


def bench_listing_100_plugins() -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        _write_dummy_site(site, 100)
        env = {"PYTHONPATH": str(site)}
        empty = median_process_seconds("pass", env=env)
        listing = median_process_seconds(_LIST_ALL, env=env)
    added = listing - empty
    return Result(
        "list every registration, 100 plugin distributions",
        f"empty Python start ({empty:.3f} s)",
        added * 1000,
        "ms added",
        "<= 50 ms, no implementation imported",
        added <= 0.050,
    )
