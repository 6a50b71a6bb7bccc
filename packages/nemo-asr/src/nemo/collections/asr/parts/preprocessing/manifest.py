"""NeMo manifests, read by code every speech collection shares (nemo.core.audio.manifest)."""

from nemo.core.audio.manifest import (
    ManifestEntries,
    ManifestEntry,
    ManifestError,
    read_manifest,
    report_skipped_lines,
    split_manifest_paths,
)

__all__ = [
    "ManifestEntries",
    "ManifestEntry",
    "ManifestError",
    "read_manifest",
    "report_skipped_lines",
    "split_manifest_paths",
]
