"""The environment variables that steer the pretrained-model cache and downloads.

Read at each use, not at import, so a notebook or a test can change them on the fly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nemo.core._env import env_flag

__all__ = [
    "CACHE_DIR_ENV",
    "OFFLINE_ENV",
    "DownloadPolicy",
    "resolve_cache_dir",
    "default_cache_root",
    "is_offline",
]

CACHE_DIR_ENV = "NEMO_CACHE_DIR"
OFFLINE_ENV = "NEMO_OFFLINE"
_ATTEMPTS_ENV = "NEMO_DOWNLOAD_ATTEMPTS"
_TIMEOUT_ENV = "NEMO_DOWNLOAD_TIMEOUT"
_BACKOFF_ENV = "NEMO_DOWNLOAD_BACKOFF"

# NeMo caches under ~/.cache/torch/NeMo/NeMo_<toolkit version>, so every upgrade downloads every
# model again. Our entries are keyed by content (sha256) or by location, never by version: the
# "v1" names the cache *layout*, and changes only if the layout does.
_DEFAULT_SUBDIR = ("torch", "NeMo", "cache-v1")


def is_offline() -> bool:
    """Whether ``NEMO_OFFLINE`` forbids network access (resolvers must honour it)."""
    return env_flag(OFFLINE_ENV)


def default_cache_root() -> Path:
    return Path.home().joinpath(".cache", *_DEFAULT_SUBDIR)


def resolve_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory: ``cache_dir`` if given, else ``$NEMO_CACHE_DIR``, else the default."""
    if cache_dir is not None and str(cache_dir) != "":
        return Path(cache_dir).expanduser().resolve()
    from_env = os.environ.get(CACHE_DIR_ENV, "")
    if from_env.strip():
        return Path(from_env).expanduser().resolve()
    return default_cache_root()


@dataclass(frozen=True)
class DownloadPolicy:
    """How hard a download tries: total attempts, socket timeout, first back-off delay."""

    attempts: int = 5
    timeout: float = 60.0
    backoff: float = 1.0
    max_backoff: float = 60.0

    @classmethod
    def from_env(cls) -> DownloadPolicy:
        default = cls()
        return cls(
            attempts=int(_number(_ATTEMPTS_ENV, default.attempts, minimum=1, integer=True)),
            timeout=_number(_TIMEOUT_ENV, default.timeout, minimum=0.001),
            backoff=_number(_BACKOFF_ENV, default.backoff, minimum=0.0),
        )

    def delay(self, failed_attempt: int) -> float:
        """Exponential back-off after the ``failed_attempt``-th failure (1-based)."""
        return float(min(self.max_backoff, self.backoff * 2 ** (failed_attempt - 1)))


def _number(variable: str, default: float, *, minimum: float, integer: bool = False) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(int(raw)) if integer else float(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        kind = "an integer" if integer else "a number"
        raise ValueError(
            f"environment variable {variable}={raw!r} is not {kind} >= {minimum:g}; "
            f"unset it to use the default ({default:g})"
        )
    return value
