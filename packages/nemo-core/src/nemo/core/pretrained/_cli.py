"""Handlers of ``nemo download`` and ``nemo cache``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from nemo.core.cli._format import print_json, print_table
from nemo.core.pretrained._cache import PART_SUFFIX, SIDE_SUFFIXES, entry_dir, file_sha256
from nemo.core.pretrained._catalog import list_pretrained
from nemo.core.pretrained._errors import (
    ChecksumMismatchError,
    DownloadError,
    LocationError,
    PretrainedModelNotFoundError,
)
from nemo.core.pretrained._fetch import fetch_pretrained
from nemo.core.pretrained._settings import resolve_cache_dir

__all__ = ["download", "show_cache", "show_hashes"]


def download(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.names:
        try:
            path = fetch_pretrained(name, cache_dir=args.cache_dir, refresh=args.refresh)
        except (
            PretrainedModelNotFoundError,
            DownloadError,
            LocationError,
            ChecksumMismatchError,
            FileNotFoundError,
        ) as exc:
            print(f"nemo download: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(path)
    return 1 if failed else 0


def show_cache(args: argparse.Namespace) -> int:
    """Every file in the cache, with the registered names that resolve to it."""
    root = resolve_cache_dir(args.cache_dir)
    owners: dict[Path, list[str]] = {}
    for info in list_pretrained():
        owners.setdefault(entry_dir(root, info.location, info.sha256), []).append(
            info.pretrained_model_name
        )
    rows: list[dict[str, Any]] = []
    for path in sorted(root.glob("*/*/*")):
        if not path.is_file() or path.parent.parent.name not in ("sha256", "location"):
            continue
        partial = path.name.endswith(PART_SUFFIX)
        if not partial and path.name.endswith(SIDE_SUFFIXES):
            continue
        rows.append(
            {
                "path": str(path),
                "bytes": path.stat().st_size,
                "complete": not partial,
                "models": owners.get(path.parent, []),
            }
        )
    if args.json:
        print_json({"cache_dir": str(root), "files": rows})
        return 0
    print(f"cache: {root}")
    table = [
        (
            ", ".join(row["models"]) or "-",
            f"{row['bytes'] / 1e6:.1f} MB",
            "yes" if row["complete"] else "partial",
            row["path"],
        )
        for row in rows
    ]
    print_table(("models", "size", "complete", "path"), table)
    return 0


def show_hashes(args: argparse.Namespace) -> int:
    """What a plugin author pastes into ``registrar.pretrained``: sha256 and size per file."""
    rows: list[dict[str, Any]] = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"nemo hash: {name}: no such file", file=sys.stderr)
            return 1
        rows.append({"path": name, "sha256": file_sha256(path), "size": path.stat().st_size})
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"{row['sha256']}  {row['size']}  {row['path']}")
    return 0
