"""What an archive holds — class, config, weights, artifacts — read without loading the weights."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nemo.core.classes._artifacts import NEMO_PREFIX
from nemo.core.connectors._archive_config import config_leaves
from nemo.core.connectors._limits import ArchiveLimits
from nemo.core.connectors._tar_reader import NemoArchive

__all__ = ["ArchiveInfo", "ArtifactInfo", "describe_archive"]

_SCALAR_WIDTH = 60


@dataclass(frozen=True)
class ArtifactInfo:
    key: str  # where the config names it
    member: str
    size: int | None  # None: the config names a member the archive lacks


@dataclass
class ArchiveInfo:
    path: str
    size: int
    compressed: bool
    target: str | None
    nemo_version: str | None
    sections: dict[str, str]  # top-level config key -> one-line summary
    weights_member: str
    tensors: int
    parameters: int  # elements of every tensor of the state dict: parameters and buffers
    weights_bytes: int
    dtypes: dict[str, int]  # dtype -> elements
    modules: dict[str, int]  # first key component -> elements
    artifacts: list[ArtifactInfo] = field(default_factory=list)
    other_members: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def describe_archive(path: str | Path, limits: ArchiveLimits | None = None) -> ArchiveInfo:
    """Summarise the archive at ``path``; reads headers, the config and the weights' structure."""
    from omegaconf import OmegaConf

    from nemo.core.connectors.save_restore_connector import SaveRestoreConnector

    connector = SaveRestoreConnector(limits=limits)
    with NemoArchive.open(path, connector.limits) as archive:
        config = connector._archive_config(archive)
        member = connector._weights_member(archive)
        weights = connector._stored_weights(archive)
        tree = OmegaConf.to_container(config, resolve=False)
        assert isinstance(tree, dict)
        references = [
            (key, value.removeprefix(NEMO_PREFIX))
            for key, value in config_leaves(tree)
            if isinstance(value, str) and value.startswith(NEMO_PREFIX)
        ]
        artifacts = [ArtifactInfo(key, name, _size(archive, name)) for key, name in references]
        known = {connector.model_config_yaml, member.name} | {a.member for a in artifacts}
        others = sorted(
            m.name for m in archive.members.values() if not m.is_dir and m.name not in known
        )
        dtypes: dict[str, int] = {}
        modules: dict[str, int] = {}
        for key, spec in weights.specs.items():
            dtype = str(spec.dtype).removeprefix("torch.")
            dtypes[dtype] = dtypes.get(dtype, 0) + spec.numel
            module = key.partition(".")[0]
            modules[module] = modules.get(module, 0) + spec.numel
        return ArchiveInfo(
            path=str(archive.path),
            size=archive.path.stat().st_size,
            compressed=archive.compressed,
            target=_text(tree.get("target")),
            nemo_version=_text(tree.get("nemo_version")),
            sections={
                str(k): _summary(v) for k, v in tree.items() if k not in ("target", "nemo_version")
            },
            weights_member=member.name,
            tensors=len(weights.specs),
            parameters=sum(dtypes.values()),
            weights_bytes=member.size,
            dtypes=dtypes,
            modules=modules,
            artifacts=artifacts,
            other_members=others,
        )


def _size(archive: NemoArchive, name: str) -> int | None:
    member = archive.file(name)
    return None if member is None else member.size


def _summary(value: Any) -> str:
    if isinstance(value, dict):
        target = value.get("_target_") or value.get("target") or value.get("name")
        keys = f"{len(value)} keys"
        return f"{target} ({keys})" if isinstance(target, str) else keys
    if isinstance(value, list):
        return f"list of {len(value)}"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= _SCALAR_WIDTH else text[: _SCALAR_WIDTH - 3] + "..."


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
