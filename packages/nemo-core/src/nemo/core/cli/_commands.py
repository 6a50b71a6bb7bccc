"""Handlers of nemo-core's own subcommands."""

from __future__ import annotations

import argparse

from nemo.core.cli._format import print_json, print_table

__all__ = ["list_registrations", "show_plugins"]


def show_plugins(args: argparse.Namespace) -> int:
    from nemo.core.plugins import list_plugins

    records = list_plugins()
    if args.json:
        print_json([record.to_dict() for record in records])
        return 0
    for record in records:
        print(f"{record.distribution} {record.version}  [{record.name} = {record.value}]")
        print(f"  status: {record.status}")
        if record.hooks:
            print(f"  hooks: {', '.join(record.hooks)}")
        registered = record.to_dict()["registered"]
        for kind, names in sorted(registered.items()):
            print(f"  {kind} ({len(names)}): {', '.join(names)}")
        for error in record.errors:
            print(f"  error: {error}")
    return 0


def list_registrations(args: argparse.Namespace) -> int:
    from nemo.core.plugins import get_registry

    entries = get_registry(args.kind).entries(args.pattern)
    if args.json:
        print_json([entry.to_dict() for entry in entries])
        return 0
    if args.kind == "pretrained":
        rows = [(e.name, e.target_name, e.info.get("location", ""), e.provider) for e in entries]
        print_table(("name", "class", "location", "provider"), rows)
    else:
        rows = [(e.name, ", ".join(e.aliases), e.target_name, e.provider) for e in entries]
        print_table(("name", "aliases", "implementation", "provider"), rows)
    return 0
