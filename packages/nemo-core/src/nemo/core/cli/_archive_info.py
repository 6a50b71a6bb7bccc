"""``nemo info MODEL.nemo``: what an archive holds, without loading its weights."""

from __future__ import annotations

import argparse
import sys

from nemo.core.cli._format import print_json, print_table

__all__ = ["show_archive_info"]


def show_archive_info(args: argparse.Namespace) -> int:
    from nemo.core.connectors import NemoArchiveError, describe_archive

    try:
        info = describe_archive(args.archive)
    except (FileNotFoundError, NemoArchiveError) as exc:
        print(f"nemo info: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print_json(info.to_dict())
        return 0
    kind = "gzip-compressed tar (NeMo < 1.7)" if info.compressed else "tar"
    print(f"archive:    {info.path} ({_size(info.size)}, {kind})")
    print(f"class:      {info.target or '(no target in the config)'}")
    if info.nemo_version:
        print(f"written by: NeMo {info.nemo_version}")
    dtypes = ", ".join(f"{name} {count:,}" for name, count in info.dtypes.items())
    print(
        f"parameters: {info.parameters:,} in {info.tensors} tensors, parameters and buffers "
        f"({dtypes or 'none'}); {info.weights_member}, {_size(info.weights_bytes)}"
    )
    print("\nconfig:")
    print_table(("key", "value"), list(info.sections.items()))
    print("\nweights by module:")
    print_table(("module", "elements"), [(name, f"{n:,}") for name, n in info.modules.items()])
    print("\nartifacts:")
    if not info.artifacts and not info.other_members:
        print("(none)")
    rows = [
        (a.key, a.member, "MISSING" if a.size is None else _size(a.size)) for a in info.artifacts
    ]
    rows += [("(not in the config)", name, "") for name in info.other_members]
    if rows:
        print_table(("config key", "member", "size"), rows)
    return 0


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"
