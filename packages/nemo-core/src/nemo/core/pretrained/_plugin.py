"""nemo-core's pretrained-model plugin: http(s) and ``package://`` locations, ``nemo download``.

A built-in plugin like :mod:`nemo.core._builtin_plugin` (which resolves local paths): it uses
the public hooks only, so a third-party plugin can answer before it (a mirror, a proxy with
credentials) or add schemes beside it. Kept cheap to import: the work is imported on use.
"""

from __future__ import annotations

from nemo.core.plugins import hookimpl

TYPE_CHECKING = False  # not typing's: discovery imports this module at every start
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Any

__all__ = ["nemo_add_cli_commands", "nemo_resolve_location"]


@hookimpl(trylast=True)
def nemo_resolve_location(location: str, cache_dir: Path, refresh: bool) -> Path | None:
    scheme = location.partition("://")[0].lower() if "://" in location else ""
    if scheme in ("http", "https"):
        from nemo.core.pretrained._http import download_url

        return download_url(location, cache_dir, refresh=refresh)
    if scheme == "package":
        from nemo.core.pretrained._package import resolve_package_location

        return resolve_package_location(location, cache_dir, refresh)
    return None


@hookimpl(tryfirst=True)  # core's commands keep their names; a plugin's clash is its fault
def nemo_add_cli_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    download = subparsers.add_parser(
        "download", help="fetch pretrained models into the cache and print their paths"
    )
    download.add_argument("names", nargs="+", metavar="NAME", help="pretrained model names")
    download.add_argument("--cache-dir", default=None, help="cache root (default: $NEMO_CACHE_DIR)")
    download.add_argument("--refresh", action="store_true", help="ignore any cached copy")
    download.set_defaults(handler="nemo.core.pretrained._cli:download")

    cache = subparsers.add_parser("cache", help="show the pretrained-model cache and its files")
    cache.add_argument("--cache-dir", default=None, help="cache root (default: $NEMO_CACHE_DIR)")
    cache.add_argument("--json", action="store_true", help="print JSON")
    cache.set_defaults(handler="nemo.core.pretrained._cli:show_cache")

    hashing = subparsers.add_parser(
        "hash",
        help="sha256 and size of .nemo files, as registrar.pretrained(sha256=..., size=...) wants",
    )
    hashing.add_argument("files", nargs="+", metavar="FILE", help="files to hash")
    hashing.add_argument("--json", action="store_true", help="print JSON")
    hashing.set_defaults(handler="nemo.core.pretrained._cli:show_hashes")
