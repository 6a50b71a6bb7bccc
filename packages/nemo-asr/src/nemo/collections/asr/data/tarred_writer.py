"""Converting a manifest and its audio into tar shards plus a tarred manifest.

Writes ``audio_0.tar`` ... ``audio_{N-1}.tar`` and ``tarred_audio_manifest.json`` into the
target directory; read them back with ``is_tarred: true``,
``tarred_audio_filepaths: <dir>/audio_{0..N-1}.tar`` and ``manifest_filepath:
<dir>/tarred_audio_manifest.json``. ``tools/convert_to_tarred_audio_dataset.py`` is its command
line.

* Each audio file is stored once, under its base name (made unique with ``-1``, ``-2``... when
  two files share one); every manifest entry referring to it (segments with offsets) stays in
  the same shard. The tarred manifest keeps each entry's fields, with ``audio_filepath`` set to
  the member name and ``shard_id`` added.
* Shards hold equally many entries, as NeMo's converter makes them: the remainder of an uneven
  split is left out (reported), because ranks reading unequal shards run unequal numbers of
  steps and DDP stalls. ``keep_remainder`` spreads it over the first shards instead.
* Tar headers carry no time, owner or permissions of the machine: the same input gives
  byte-identical shards.
"""

from __future__ import annotations

import json
import random
import tarfile
from dataclasses import dataclass
from pathlib import Path

from nemo.collections.asr.parts.preprocessing.manifest import ManifestEntries, read_manifest

__all__ = ["TarredDatasetSummary", "create_tarred_dataset"]

MANIFEST_NAME = "tarred_audio_manifest.json"


@dataclass(frozen=True)
class TarredDatasetSummary:
    shards: list[Path]
    manifest: Path
    entries: int
    dropped: int

    @property
    def tarred_audio_filepaths(self) -> str:
        """The brace pattern naming every shard, for ``tarred_audio_filepaths``."""
        return str(self.shards[0].parent / f"audio_{{0..{len(self.shards) - 1}}}.tar")


def _groups(entries: ManifestEntries) -> list[list[int]]:
    """Entry indices grouped by audio file, in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for index in range(len(entries)):
        groups.setdefault(entries.audio_file(index), []).append(index)
    return list(groups.values())


def _split(groups: list[list[int]], num_shards: int, keep_remainder: bool) -> list[list[list[int]]]:
    """Consecutive groups per shard, each shard as close to the same entry count as possible."""
    total = sum(len(group) for group in groups)
    per_shard, remainder = divmod(total, num_shards)
    sizes = [per_shard + (1 if keep_remainder and i < remainder else 0) for i in range(num_shards)]
    shards: list[list[list[int]]] = [[] for _ in range(num_shards)]
    shard, filled = 0, 0
    for group in groups:
        while shard < num_shards and filled >= sizes[shard]:
            shard, filled = shard + 1, 0
        if shard == num_shards:
            break  # the remainder
        shards[shard].append(group)
        filled += len(group)
    return shards


def _member_name(audio_file: str, taken: set[str]) -> str:
    path = Path(audio_file)
    name, counter = path.name, 0
    while name in taken:
        counter += 1
        name = f"{path.stem}-{counter}{path.suffix}"
    taken.add(name)
    return name


def _add(archive: tarfile.TarFile, source: str, name: str) -> None:
    info = tarfile.TarInfo(name)
    info.size = Path(source).stat().st_size
    info.mode = 0o644
    with Path(source).open("rb") as handle:
        archive.addfile(info, handle)


def create_tarred_dataset(
    manifest_filepath: str | Path,
    target_dir: str | Path,
    num_shards: int,
    *,
    shuffle: bool = False,
    seed: int = 0,
    min_duration: float | None = None,
    max_duration: float | None = None,
    keep_remainder: bool = False,
) -> TarredDatasetSummary:
    """Write the shards and tarred manifest of ``manifest_filepath`` into ``target_dir``."""
    if num_shards < 1:
        raise ValueError(f"num_shards must be >= 1, got {num_shards}")
    entries = read_manifest(manifest_filepath, min_duration=min_duration, max_duration=max_duration)
    if len(entries) < num_shards:
        raise ValueError(
            f"{manifest_filepath} has {len(entries)} usable entries, fewer than num_shards="
            f"{num_shards}"
        )
    groups = _groups(entries)
    if shuffle:
        random.Random(seed).shuffle(groups)
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    raw_lines = _raw_lines(entries)
    taken: set[str] = set()
    shard_paths, written = [], 0
    manifest_path = target / MANIFEST_NAME
    with manifest_path.open("w", encoding="utf-8") as manifest:
        for shard_id, shard_groups in enumerate(_split(groups, num_shards, keep_remainder)):
            shard_path = target / f"audio_{shard_id}.tar"
            shard_paths.append(shard_path)
            with tarfile.open(shard_path, "w", format=tarfile.USTAR_FORMAT) as archive:
                for group in shard_groups:
                    source = entries.audio_file(group[0])
                    name = _member_name(source, taken)
                    _add(archive, source, name)
                    for index in group:
                        line = dict(raw_lines[index], audio_filepath=name, shard_id=shard_id)
                        line.pop("audio_filename", None)
                        manifest.write(json.dumps(line) + "\n")
                        written += 1
    return TarredDatasetSummary(shard_paths, manifest_path, written, len(entries) - written)


def _raw_lines(entries: ManifestEntries) -> list[dict[str, object]]:
    """Each kept entry's line as the manifest wrote it, every field included."""
    texts: dict[Path, list[str]] = {}
    lines = []
    for index in range(len(entries)):
        path, number = entries.location(index)
        if path not in texts:
            texts[path] = path.read_text(encoding="utf-8").split("\n")  # as the reader counts
        lines.append(json.loads(texts[path][number - 1]))
    return lines
