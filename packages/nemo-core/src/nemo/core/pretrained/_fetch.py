"""From a registered checkpoint to a verified local file, through the resolver hook.

Every location goes through ``nemo_resolve_location``: nemo-core's built-in plugins answer for
local paths, ``file://``, ``http(s)://`` and ``package://``; other plugins add schemes. Around
the hook, nemo-core gives every resolver the same guarantees: the entry's cache directory, a
lock so concurrent processes fetch once, and the sha256/size check of the result.
"""

from __future__ import annotations

import os
from pathlib import Path

from nemo.core import plugins
from nemo.core.pretrained._cache import entry_dir, entry_lock, is_inside, verify
from nemo.core.pretrained._catalog import get_pretrained_info
from nemo.core.pretrained._errors import DownloadError, LocationError
from nemo.core.pretrained._info import PretrainedModelInfo
from nemo.core.pretrained._settings import resolve_cache_dir

__all__ = ["fetch_pretrained"]

_BUILTIN_SCHEMES = "local paths, file://, http(s):// and package://"


def fetch_pretrained(
    model: PretrainedModelInfo | str,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    refresh: bool = False,
) -> Path:
    """The local file of a pretrained model, downloaded into the cache if need be.

    :param model: a registered name (or alias), or a :class:`PretrainedModelInfo`.
    :param cache_dir: the cache root; default ``$NEMO_CACHE_DIR``, else
        ``~/.cache/torch/NeMo/cache-v1``.
    :param refresh: ignore a cached copy and fetch again.
    """
    info = model if isinstance(model, PretrainedModelInfo) else get_pretrained_info(model)
    what = f"pretrained model {info.pretrained_model_name!r}" + (
        f" (registered by {info.provider})" if info.provider else ""
    )
    root = resolve_cache_dir(cache_dir)
    entry = entry_dir(root, info.location, info.sha256)
    with entry_lock(root, entry):
        try:
            found = plugins.first_hook_result(
                "nemo_resolve_location", location=info.location, cache_dir=entry, refresh=refresh
            )
        except (DownloadError, LocationError) as exc:  # the same error, naming the model
            raise type(exc)(f"{what}: {exc}") from exc
        if found is None:
            scheme = info.location.partition("://")[0]
            raise LocationError(
                f"{what}: no installed plugin resolves {scheme}:// locations like "
                f"{info.location!r}. Install the plugin that provides the scheme (`nemo plugins` "
                f"lists those loaded), or register the model at one of: {_BUILTIN_SCHEMES}"
            )
        path = Path(found)
        if not path.exists():
            raise FileNotFoundError(
                f"{what}: {info.location!r} names {str(path)!r}, which does not exist. Check "
                "the path, or register the model where its file is"
            )
        if (info.sha256 or info.size is not None) and not path.is_file():
            raise LocationError(
                f"{what}: {str(path)!r} is a directory, so its registered sha256/size cannot "
                "be checked; register the .nemo file itself"
            )
        verify(path, sha256=info.sha256, size=info.size, owned=is_inside(path, root), what=what)
    return path
