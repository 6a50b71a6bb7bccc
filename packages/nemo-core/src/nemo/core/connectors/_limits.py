"""How much an archive may make restore read, extract or decompress."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ArchiveLimits"]


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on what an archive may ask of the reader; raise them for unusual archives.

    Members of an uncompressed archive can never be larger than the file itself, so sizes are
    bounded by the file; these limits bound what is not: the number of members, the config's
    size once YAML aliases are expanded, and how far compressed data may expand — a gzip
    archive (older NeMo), or compressed records inside the weights' zip.
    """

    max_members: int = 10_000
    max_config_bytes: int = 64 * 2**20
    max_config_nodes: int = 1_000_000
    max_expansion_ratio: int = 20  # uncompressed bytes per compressed byte; weights barely compress
    min_expansion_allowance: int = 2**30  # small files may always expand this far

    def max_uncompressed(self, compressed_size: int) -> int:
        return max(self.min_expansion_allowance, self.max_expansion_ratio * compressed_size)
