"""``package://<import.package>/<path>``: a checkpoint shipped inside an installed distribution.

The file is found with :mod:`importlib.resources`, so it works however the distribution is
installed: from a wheel, editable, or zipped. A file on disk is used in place; one inside a
zip archive is copied into the cache once.
"""

from __future__ import annotations

import importlib.resources
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

from nemo.core.pretrained._cache import PART_SUFFIX, discard
from nemo.core.pretrained._errors import LocationError
from nemo.utils._atomic import replace_durably

__all__ = ["SCHEME", "package_location", "resolve_package_location"]

SCHEME = "package"
_PACKAGE_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def package_location(package: str, relative_path: str) -> str:
    """The location of ``relative_path`` inside ``package``: ``package://package/relative``."""
    return f"{SCHEME}://{package}/{relative_path.lstrip('/')}"


def resolve_package_location(location: str, cache_dir: Path, refresh: bool) -> Path:
    package, relative = _split(location)
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError as exc:
        raise LocationError(
            f"{location!r} names the package {package!r}, which cannot be imported ({exc}): "
            "install the distribution that ships it"
        ) from exc
    resource = root.joinpath(*relative.split("/"))
    if not resource.is_file():
        raise LocationError(
            f"{location!r}: the installed package {package!r} has no file {relative!r} (looked "
            f"in {root}). Reinstall the distribution that ships it, or fix the registered path"
        )
    if isinstance(resource, Path):
        return resource
    final = cache_dir / resource.name  # inside a zip: extract once into the cache
    if refresh:
        discard(final)
    elif final.is_file():
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    part = final.with_name(final.name + PART_SUFFIX)
    with resource.open("rb") as source, part.open("wb") as target:
        shutil.copyfileobj(source, target)
    replace_durably(part, final)
    return final


def _split(location: str) -> tuple[str, str]:
    parsed = urlparse(location)
    package = parsed.netloc
    relative = unquote(parsed.path).strip("/")
    parts = relative.split("/")
    if not _PACKAGE_NAME.match(package) or not relative or any(p in ("", ".", "..") for p in parts):
        raise LocationError(
            f"invalid package location {location!r}: write it as "
            "package://<import.package>/<path/inside/the/package>, e.g. "
            "package://nemo.collections.asr/pretrained/model.nemo (no '..', no empty parts)"
        )
    return package, relative
