"""Artifacts of an archive, extracted one by one, only when a model asks for them."""

from __future__ import annotations

from pathlib import Path

from nemo.core.connectors._tar_reader import NemoArchive

__all__ = ["LazyArtifacts"]


class LazyArtifacts:
    """The :class:`~nemo.core.classes._restore_state.ArtifactSource` of a restore in progress.

    ``artifact_path("<uuid>_tokenizer.model")`` extracts that member into ``directory`` on first
    use; a name that is not a file of the archive gives None, never a path outside
    ``directory``.
    """

    def __init__(self, archive: NemoArchive, directory: Path) -> None:
        self._archive = archive
        self._directory = directory
        self._extracted: dict[str, Path] = {}

    def artifact_path(self, name: str) -> Path | None:
        member = self._archive.file(name)
        if member is None:
            return None
        if member.name not in self._extracted:
            self._extracted[member.name] = self._archive.extract(member, self._directory)
        return self._extracted[member.name]
