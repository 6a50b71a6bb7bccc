"""nemo-core's own plugin: its commands and its location resolver use the public hooks.

Like pytest's built-in plugins, nothing here is special: a third-party plugin could provide
the same through the same hooks. It is always loaded, first.
"""

from __future__ import annotations

from nemo.core.plugins import KINDS, hookimpl

TYPE_CHECKING = False  # not typing's: discovery imports this module at every start
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Any

__all__ = ["nemo_add_cli_commands", "nemo_resolve_location"]


@hookimpl(tryfirst=True)  # core's commands keep their names; a plugin's clash is its fault
def nemo_add_cli_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    plugins = subparsers.add_parser(
        "plugins", help="list installed plugins: versions, hooks, registrations, load errors"
    )
    plugins.add_argument("--json", action="store_true", help="print JSON")
    plugins.set_defaults(handler="nemo.core.cli._commands:show_plugins")

    listing = subparsers.add_parser(
        "list", help="list registered models, optimizers, schedulers or pretrained models"
    )
    listing.add_argument("kind", choices=KINDS, help="what to list")
    listing.add_argument(
        "pattern", nargs="?", default=None, help="fnmatch pattern on names, e.g. '*ctc*'"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler="nemo.core.cli._commands:list_registrations")

    info = subparsers.add_parser(
        "info", help="what a .nemo archive holds: class, config, parameters, artifacts"
    )
    info.add_argument("archive", help="path to a .nemo file")
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(handler="nemo.core.cli._archive_info:show_archive_info")


@hookimpl(trylast=True)
def nemo_resolve_location(location: str) -> Path | None:
    """Local paths and ``file://`` URLs: used as they are, never copied into the cache."""
    from pathlib import Path
    from urllib.parse import unquote, urlparse

    parsed = urlparse(location)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "" or (len(parsed.scheme) == 1 and location[1:3] in (":\\", ":/")):
        return Path(location).expanduser()
    return None
