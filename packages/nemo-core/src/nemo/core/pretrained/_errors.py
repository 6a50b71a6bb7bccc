"""Errors of pretrained-model lookup, download and verification."""

from __future__ import annotations

from nemo.core.plugins import UnknownNameError

__all__ = [
    "ChecksumMismatchError",
    "DownloadError",
    "LocationError",
    "OfflineError",
    "PretrainedModelNotFoundError",
]


class PretrainedModelNotFoundError(UnknownNameError, FileNotFoundError):
    """No pretrained model of the requested class has this name.

    A ``FileNotFoundError`` as in NeMo, and the registries' ``UnknownNameError`` (``KeyError``,
    ``ValueError``) like every other failed registry lookup.
    """


class LocationError(ValueError):
    """A registered location that no resolver understands, or that names nothing."""


class DownloadError(OSError):
    """A download failed for good: after the retries, or with an error retrying cannot fix."""


class OfflineError(DownloadError):
    """``NEMO_OFFLINE`` forbids the network and the cache does not hold the file."""


class ChecksumMismatchError(ValueError):
    """A file's sha256 (or size) differs from the registered one; the file was not kept."""
