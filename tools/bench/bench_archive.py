"""``save_to`` / ``restore_from`` of a 500 MB model against ``shutil.copyfile`` of the same bytes.

Speed: the copy's time over the archive operation's time (1.0: as fast as copying the file),
the median of five pairs, each pair timed back to back. Dirty pages are written back
(``os.sync``) before each timed operation, so that neither pays for the other's writes; the
archive is in the page cache for both. Memory: the restoring process's peak resident set
(``VmHWM``) minus its peak after the imports, as a multiple of the model's size; each restore
runs in a fresh process.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from _harness import Context, Result, peak_rss_bytes

__all__ = ["bench_archive", "measure_restore", "measure_save"]

_MB = 1024 * 1024


def _config(size_mb: int) -> dict[str, Any]:
    layers = 4
    dim = int((size_mb * _MB / 4 / layers) ** 0.5)
    return {"dim": dim, "layers": layers}


def _copy_seconds(source: Path, target: Path, durable: bool = False) -> float:
    """``shutil.copyfile``; ``durable``: then ``fsync`` the copy, as an atomic save does."""
    start = time.perf_counter()
    shutil.copyfile(source, target)
    if durable:
        descriptor = os.open(target, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    elapsed = time.perf_counter() - start
    target.unlink()
    return elapsed


def _read_through(path: Path) -> None:
    """Read the file (into the page cache) through a small buffer: no peak RSS of its size."""
    buffer = bytearray(8 * _MB)
    with path.open("rb", buffering=0) as source:
        while source.readinto(buffer):
            pass


def _timed(operation: Any) -> float:
    os.sync()
    start = time.perf_counter()
    operation()
    return time.perf_counter() - start


def measure_save(quick: bool, scratch: str, size_mb: int, path: str) -> dict[str, Any]:
    import torch

    torch.manual_seed(0)
    from _archive_model import BigModel
    from omegaconf import OmegaConf

    model = BigModel(OmegaConf.create(_config(size_mb)))
    model_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    archive, copy = Path(path), Path(scratch) / "copy.bin"
    saves, copies, durable_copies = [], [], []
    before = peak_rss_bytes()
    for _ in range(5):
        archive.unlink(missing_ok=True)  # a new file each time, as each copy makes
        saves.append(_timed(lambda: model.save_to(str(archive))))
        os.sync()
        copies.append(_copy_seconds(archive, copy))
        os.sync()
        durable_copies.append(_copy_seconds(archive, copy, durable=True))
    return {
        "save_s": statistics.median(saves),
        "copy_s": statistics.median(copies),
        "durable_copy_s": statistics.median(durable_copies),
        "speed": statistics.median(c / s for c, s in zip(copies, saves, strict=True)),
        "durable_speed": statistics.median(
            c / s for c, s in zip(durable_copies, saves, strict=True)
        ),
        "model_bytes": model_bytes,
        "archive_bytes": archive.stat().st_size,
        "save_peak_extra_bytes": peak_rss_bytes() - before,
    }


def measure_restore(quick: bool, scratch: str, path: str) -> dict[str, Any]:
    import torch
    from _archive_model import BigModel
    from omegaconf import OmegaConf  # noqa: F401 - imported before the baseline, as restore does

    archive, copy = Path(path), Path(scratch) / "copy.bin"
    _read_through(archive)  # in the page cache for both, as it is after save_to
    os.sync()
    baseline = peak_rss_bytes()
    start = time.perf_counter()
    model = BigModel.restore_from(str(archive), map_location=torch.device("cpu"))
    restore_s = time.perf_counter() - start
    growth = peak_rss_bytes() - baseline
    model_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    os.sync()
    return {
        "restore_s": restore_s,
        "copy_s": _copy_seconds(archive, copy),
        "rss_growth_bytes": growth,
        "model_bytes": model_bytes,
    }


def _measure(context: Context, python: str, size_mb: int) -> dict[str, Any]:
    archive = context.scratch / "big.nemo"
    try:
        saved = context.worker(
            python, "bench_archive:measure_save", size_mb=size_mb, path=str(archive)
        )
        restores = [
            context.worker(python, "bench_archive:measure_restore", path=str(archive))
            for _ in range(5)
        ]
    finally:
        archive.unlink(missing_ok=True)
    restore_s = statistics.median(r["restore_s"] for r in restores)
    restore_copy_s = statistics.median(r["copy_s"] for r in restores)
    return {
        "save_speed": saved["speed"],
        "restore_speed": statistics.median(r["copy_s"] / r["restore_s"] for r in restores),
        "rss_ratio": statistics.median(r["rss_growth_bytes"] for r in restores)
        / saved["model_bytes"],
        "save_s": saved["save_s"],
        "save_copy_s": saved["copy_s"],
        "save_durable_speed": saved["durable_speed"],
        "restore_s": restore_s,
        "restore_copy_s": restore_copy_s,
        "model_mb": saved["model_bytes"] / _MB,
        "archive_mb": saved["archive_bytes"] / _MB,
        "save_peak_extra_ratio": saved["save_peak_extra_bytes"] / saved["model_bytes"],
    }


def bench_archive(context: Context) -> list[Result]:
    size_mb = 100 if context.quick else 500
    ours = _measure(context, context.python, size_mb)
    peer: dict[str, Any] | None = None
    peer_detail = context.peer_problem
    if context.peer_python is not None:
        try:
            peer = _measure(context, context.peer_python, size_mb)
        except Exception as exc:  # reported in the peer's column
            peer_detail = f"failed: {str(exc).strip().splitlines()[-1][:200]}"
    size = f"{ours['model_mb']:.0f} MB model"
    return [
        Result(
            "restore_from",
            f"`restore_from` of a {size}",
            f"`shutil.copyfile` of the archive ({ours['restore_copy_s']:.2f} s)",
            ours["restore_speed"],
            "x copy speed",
            "≥ 0.7",
            ours["restore_speed"] >= 0.7,
            detail=f"restore {ours['restore_s']:.2f} s",
            peer=None if peer is None else peer["restore_speed"],
            peer_detail=peer_detail,
            extra=ours,
        ),
        Result(
            "restore_rss",
            f"peak RSS of `restore_from` ({size}, fresh process)",
            "the process after its imports",
            ours["rss_ratio"],
            "x model size",
            "≤ 1.3",
            ours["rss_ratio"] <= 1.3,
            peer=None if peer is None else peer["rss_ratio"],
            peer_detail=peer_detail,
        ),
        Result(
            "save_to",
            f"`save_to` of the same {size}",
            f"`shutil.copyfile` of the archive ({ours['save_copy_s']:.2f} s)",
            ours["save_speed"],
            "x copy speed",
            "≥ 0.7",
            ours["save_speed"] >= 0.7,
            detail=(
                f"save {ours['save_s']:.2f} s; against copy + fsync (a durable copy, as the "
                f"atomic save makes): {ours['save_durable_speed']:.2f}; archive "
                f"{ours['archive_mb']:.0f} MB; peak RSS while saving "
                f"+{ours['save_peak_extra_ratio']:.2f} x model size"
            ),
            peer=None if peer is None else peer["save_speed"],
            peer_detail=peer_detail,
        ),
    ]
