"""The ``nemo`` command: nemo-core's subcommands plus those plugins add."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    from nemo.core import __version__
    from nemo.core.plugins import hook_results

    parser = argparse.ArgumentParser(
        prog="nemo", description="NeMo toolkit: plugins, registries, models."
    )
    parser.add_argument("--version", action="version", version=f"nemo-core {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    hook_results("nemo_add_cli_commands", subparsers=subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from nemo.core.plugins._refs import is_lazy_ref, resolve_ref

    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    if is_lazy_ref(handler):
        handler = resolve_ref(handler)
    try:
        return int(handler(args) or 0)
    except BrokenPipeError:  # `nemo list models | head`
        sys.stderr.close()
        return 0
