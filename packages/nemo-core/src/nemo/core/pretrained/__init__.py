"""Pretrained models: the catalog plugins register, and a cache you can trust.

Plugins register checkpoints with ``registrar.pretrained(name, class_=..., location=...,
sha256=...)`` (scripts with :func:`nemo.core.plugins.register_pretrained`); model classes list
and load them with ``list_available_models()`` and ``from_pretrained(name)``.

Locations: local paths, ``file://``, ``http(s)://`` (progress bar, retries with back-off,
resume of a partial download), ``package://<import.package>/<path>`` for a file shipped inside
an installed distribution, and any scheme a plugin resolves through ``nemo_resolve_location``.

The cache (``$NEMO_CACHE_DIR``, ``cache_dir=``, default ``~/.cache/torch/NeMo/cache-v1``) is
keyed by sha256 when one is registered, so entries survive toolkit upgrades and mirrors share a
copy; files are verified, written atomically, and fetched once when processes ask together.

Environment: ``NEMO_CACHE_DIR``; ``NEMO_OFFLINE=1`` (never use the network: use the cache or
fail saying what to do); ``NEMO_DOWNLOAD_ATTEMPTS`` (default 5), ``NEMO_DOWNLOAD_TIMEOUT``
(seconds, default 60), ``NEMO_DOWNLOAD_BACKOFF`` (first retry delay, default 1 s, doubling).

Importing this package is cheap: urllib is imported by the first download.
"""

from __future__ import annotations

from nemo.core._lazy import lazy_exports

TYPE_CHECKING = False  # not typing's: discovery imports this package's plugin at every start

_EXPORTS: dict[str, str] = {
    "PretrainedModelInfo": "nemo.core.pretrained._info",
    "list_pretrained": "nemo.core.pretrained._catalog",
    "get_pretrained_info": "nemo.core.pretrained._catalog",
    "fetch_pretrained": "nemo.core.pretrained._fetch",
    "load_model": "nemo.core.pretrained._load",
    "download_url": "nemo.core.pretrained._http",
    "package_location": "nemo.core.pretrained._package",
    "resolve_cache_dir": "nemo.core.pretrained._settings",
    "is_offline": "nemo.core.pretrained._settings",
    "CACHE_DIR_ENV": "nemo.core.pretrained._settings",
    "OFFLINE_ENV": "nemo.core.pretrained._settings",
    "ChecksumMismatchError": "nemo.core.pretrained._errors",
    "DownloadError": "nemo.core.pretrained._errors",
    "LocationError": "nemo.core.pretrained._errors",
    "OfflineError": "nemo.core.pretrained._errors",
    "PretrainedModelNotFoundError": "nemo.core.pretrained._errors",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from nemo.core.pretrained._catalog import get_pretrained_info as get_pretrained_info
    from nemo.core.pretrained._catalog import list_pretrained as list_pretrained
    from nemo.core.pretrained._errors import ChecksumMismatchError as ChecksumMismatchError
    from nemo.core.pretrained._errors import DownloadError as DownloadError
    from nemo.core.pretrained._errors import LocationError as LocationError
    from nemo.core.pretrained._errors import OfflineError as OfflineError
    from nemo.core.pretrained._errors import (
        PretrainedModelNotFoundError as PretrainedModelNotFoundError,
    )
    from nemo.core.pretrained._fetch import fetch_pretrained as fetch_pretrained
    from nemo.core.pretrained._http import download_url as download_url
    from nemo.core.pretrained._info import PretrainedModelInfo as PretrainedModelInfo
    from nemo.core.pretrained._load import load_model as load_model
    from nemo.core.pretrained._package import package_location as package_location
    from nemo.core.pretrained._settings import CACHE_DIR_ENV as CACHE_DIR_ENV
    from nemo.core.pretrained._settings import OFFLINE_ENV as OFFLINE_ENV
    from nemo.core.pretrained._settings import is_offline as is_offline
    from nemo.core.pretrained._settings import resolve_cache_dir as resolve_cache_dir
