"""Writing and reading ``.nemo`` archives, in NeMo's format, safely and in place.

An archive is an uncompressed tar (gzip-compressed before NeMo 1.7, still read) holding
``model_config.yaml`` (the model's config), ``model_weights.ckpt`` (``torch.save`` of a plain
state dict) and one ``<uuid hex>_<basename>`` member per artifact, named ``nemo:<member>`` at
its key in the saved config. Beyond NeMo:

* saving streams the weights into a temporary file beside the target, renamed over it only
  once complete and flushed to disk; the weights zip's CRC-32s are computed while that flush
  runs (see :mod:`._torch_zip`);
* restoring reads the archive in place — weights straight from the tar into the model's own
  tensors (or, when the model customises its loading, into buffers loaded a chunk at a time);
  artifacts extracted only when the model asks for them, into a temporary directory removed
  afterwards — never executes code from it (weights unpickled with torch's weights-only
  allow-list, config targets limited to module classes), never writes outside that directory,
  and bounds what it reads;
* restoring builds the model without the random initialisation of what the archive overwrites,
  when that is shown to leave no value unset (see :mod:`._init_skipping`), so it draws no
  random numbers for them, unlike NeMo;
* weights can be stored as safetensors (``model_weights.safetensors``), which holds no code at
  all; NVIDIA NeMo cannot read those archives.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections import OrderedDict
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

import torch

from nemo.core.classes._artifacts import NEMO_PREFIX, ArtifactPathType
from nemo.core.classes._restore_state import RestoreContext, restoring
from nemo.core.connectors._archive_config import parse_archive_config, restore_config
from nemo.core.connectors._artifact_source import LazyArtifacts
from nemo.core.connectors._errors import NemoArchiveError
from nemo.core.connectors._init_skipping import InitSkipping
from nemo.core.connectors._limits import ArchiveLimits
from nemo.core.connectors._load_targets import load_targets
from nemo.core.connectors._tar_reader import ArchiveMember, NemoArchive
from nemo.core.connectors._tar_writer import TarWriter
from nemo.core.connectors._torch_zip import fill_in_crcs
from nemo.core.connectors._weights import (
    WEIGHTS_MEMBERS,
    StoredWeights,
    load_into,
    read_weights,
    write_weights,
)
from nemo.utils import logging
from nemo.utils._atomic import atomic_output, sync_while
from nemo.utils.model_utils import convert_model_config_to_dict_config

__all__ = ["SaveRestoreConnector"]

WeightsFormat = Literal["ckpt", "safetensors"]
_MODULE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")


class SaveRestoreConnector:
    """How models are written to and read from ``.nemo`` archives.

    ``weights_format`` chooses what :meth:`save_to` writes: ``"ckpt"`` (NeMo's format) or
    ``"safetensors"``. Restoring reads either; with ``weights_format="safetensors"`` it refuses
    archives whose weights are pickled. ``limits`` bounds what a restore reads (see
    :class:`ArchiveLimits`); ``load_chunk_bytes`` is how much of the weights is held in memory
    at a time beyond the model itself, when they cannot be read straight into it (a model
    that customises its loading, a model on the GPU, a dtype to convert to).
    """

    model_config_yaml = "model_config.yaml"
    model_weights_ckpt = WEIGHTS_MEMBERS["ckpt"]
    model_weights_safetensors = WEIGHTS_MEMBERS["safetensors"]

    def __init__(
        self,
        weights_format: WeightsFormat = "ckpt",
        limits: ArchiveLimits | None = None,
        load_chunk_bytes: int = 64 * 2**20,
    ) -> None:
        if weights_format not in WEIGHTS_MEMBERS:
            raise ValueError(
                f"weights_format must be one of {sorted(WEIGHTS_MEMBERS)}, got {weights_format!r}"
            )
        self.weights_format: WeightsFormat = weights_format
        self.limits = limits or ArchiveLimits()
        self.load_chunk_bytes = load_chunk_bytes

    # -- save -------------------------------------------------------------------------------

    def save_to(self, model: Any, save_path: str | Path) -> None:
        """Write ``model`` (config, weights, artifacts) to ``save_path``, atomically.

        Artifacts registered from local files are copied in as ``<uuid hex>_<basename>``; those
        of a restored model are copied from the archive they came from under their own names.
        The saved config names each as ``nemo:<member>``; the model's live config is unchanged.
        """
        target = Path(save_path).expanduser().absolute()
        config = convert_model_config_to_dict_config(model.to_config_dict())
        crcs_left: list[bool] = []

        def write(sink: Any) -> None:
            crcs_left.append(write_weights(model.state_dict(), sink, self.weights_format))

        with ExitStack() as stack:
            sources = self._artifact_sources(model, config, stack)
            config_yaml = _to_yaml(config)
            with atomic_output(target) as out:
                writer = TarWriter(out)
                writer.add_directory(".")
                for member in sorted(sources):
                    open_source, size, label = sources[member]
                    with open_source() as source:
                        writer.add_file(f"./{member}", source, size, label)
                writer.add_bytes(f"./{self.model_config_yaml}", config_yaml)
                start, size = writer.add_stream(f"./{WEIGHTS_MEMBERS[self.weights_format]}", write)
                writer.finish()
                if crcs_left[0]:  # computed while the rest goes to disk, the CPU being idle
                    sync_while(out, lambda: fill_in_crcs(out, start, size))
        logging.info("saved %s to %s", type(model).__name__, target)

    def _artifact_sources(self, model: Any, config: Any, stack: ExitStack) -> dict[str, Any]:
        """member name -> (open its bytes, size, label), each checked before writing starts;
        ``config`` gets ``nemo:<member>`` at each artifact's key."""
        from omegaconf import OmegaConf, open_dict

        sources: dict[str, Any] = {}
        archives: dict[str, NemoArchive] = {}
        for key, item in (model.__dict__.get("artifacts") or {}).items():
            if item.path_type == ArtifactPathType.LOCAL_PATH:
                local = Path(item.path)
                if not local.is_file():
                    raise FileNotFoundError(
                        f"artifact {key!r}: {local} no longer exists (it was registered from "
                        "there); restore the file or register the artifact again"
                    )
                member = f"{uuid.uuid4().hex}_{local.name}"
                sources[member] = (
                    lambda path=local: path.open("rb"),
                    local.stat().st_size,
                    str(local),
                )
            else:
                member = item.path.removeprefix(NEMO_PREFIX)
                archive = archives.get(item.archive)
                if archive is None:
                    if item.archive is None or not Path(item.archive).is_file():
                        raise FileNotFoundError(
                            f"artifact {key!r} ({item.path}) comes from the archive "
                            f"{item.archive}, which no longer exists; saving needs it"
                        )
                    archive = stack.enter_context(NemoArchive.open(item.archive, self.limits))
                    archives[item.archive] = archive
                stored = archive.require(member, f"artifact {key!r}")
                sources[member] = (
                    lambda a=archive, m=stored: a.open_member(m),
                    stored.size,
                    f"{archive.path}:{member}",
                )
            with open_dict(config):
                OmegaConf.update(config, key, NEMO_PREFIX + member, merge=False, force_add=True)
        return sources

    # -- restore ----------------------------------------------------------------------------

    def restore_from(
        self,
        calling_cls: Any,
        restore_path: str | Path,
        override_config_path: Any = None,
        map_location: Any = None,
        strict: bool = True,
        return_config: bool = False,
        trainer: Any = None,
    ) -> Any:
        """Rebuild the model saved in ``restore_path`` (see ``ModelPT.restore_from``)."""
        with NemoArchive.open(restore_path, self.limits) as archive:
            config = restore_config(self._archive_config(archive), override_config_path)
            if return_config:
                return config
            weights = self._stored_weights(archive)
            device = _device(map_location)
            with tempfile.TemporaryDirectory(prefix="nemo-artifacts-") as directory:
                source = LazyArtifacts(archive, Path(directory))
                with restoring(RestoreContext(archive.path, source)):
                    model = self._build_and_load(
                        calling_cls, config, trainer, weights, device, strict, archive.path
                    )
        logging.info("restored %s from %s", type(model).__name__, archive.path)
        return model

    def _build_and_load(
        self,
        calling_cls: Any,
        config: Any,
        trainer: Any,
        weights: StoredWeights,
        device: torch.device,
        strict: bool,
        path: Path,
    ) -> Any:
        """The model built from ``config`` with the archive's weights.

        It is built without the random initialisation of what the weights overwrite, when
        that can be shown to leave no value unset (see :mod:`._init_skipping`); otherwise it is
        built again, initialised as usual.
        """
        with InitSkipping() as skipping:
            model = calling_cls.from_config_dict(config, trainer=trainer)
        overwritten = skipping.overwritten_by(load_targets(model), weights.specs)
        if overwritten is None:
            logging.debug("restoring %s: initialising it as usual: %s", path, skipping.reason)
            del model
            model = calling_cls.from_config_dict(config, trainer=trainer)
            overwritten = set()
        model = model.to(device)
        if hasattr(type(model), "save_restore_connector"):
            model.save_restore_connector = self  # what read it writes it again
        missing = load_into(
            model,
            weights,
            strict=strict,
            where=f"{path} ({type(model).__name__})",
            budget=self.load_chunk_bytes,
            into=load_targets(model),
        )
        if overwritten and (missing is None or overwritten & missing):
            # cannot happen with torch's own loading, which overwritten_by required
            raise RuntimeError(
                f"restoring {path}: {sorted(overwritten & (missing or overwritten))[:3]} were "
                "left unloaded after their initialisation was skipped; please report this bug"
            )
        return model

    def load_config(self, restore_path: str | Path) -> Any:
        """The archive's config as saved (unresolved), without building anything."""
        with NemoArchive.open(restore_path, self.limits) as archive:
            return self._archive_config(archive)

    def extract_state_dict_from(
        self, restore_path: str | Path, save_dir: str | Path, split_by_module: bool = False
    ) -> OrderedDict[str, torch.Tensor]:
        """Write the archive's weights to ``save_dir`` and return them.

        Whole, as ``model_weights.ckpt``; or split by the first component of each key, as
        ``<module>.ckpt`` holding that module's own state dict (``encoder.ckpt`` ...).
        A missing archive raises FileNotFoundError (NeMo raises FileExistsError: fixed).
        """
        with NemoArchive.open(restore_path, self.limits) as archive:
            state = self._stored_weights(archive).load_all()
        directory = Path(save_dir).expanduser()
        if not split_by_module:
            _save_tensors(state, directory / self.model_weights_ckpt)
            return state
        modules: dict[str, OrderedDict[str, torch.Tensor]] = {}
        for key, tensor in state.items():
            module, _, rest = key.partition(".")
            if not _MODULE_NAME.match(module):
                raise NemoArchiveError(
                    f"{archive.path}: weight {key!r} does not start with a module name usable as "
                    "a file name; extract the whole state dict instead (split_by_module=False)"
                )
            modules.setdefault(module, OrderedDict())[rest] = tensor
        for module, module_state in modules.items():
            _save_tensors(module_state, directory / f"{module}.ckpt")
        return state

    def _archive_config(self, archive: NemoArchive) -> Any:
        member = archive.require(self.model_config_yaml, "the model's config")
        text = archive.read_bytes(member, self.limits.max_config_bytes)
        return parse_archive_config(text, f"{archive.path}:{member.name}", self.limits)

    def _stored_weights(self, archive: NemoArchive) -> StoredWeights:
        member = self._weights_member(archive)
        return read_weights(
            lambda: archive.open_member(member), member.name, member.size, self.limits
        )

    def _weights_member(self, archive: NemoArchive) -> ArchiveMember:
        safetensors = archive.file(self.model_weights_safetensors)
        if safetensors is not None:
            return safetensors
        if self.weights_format == "safetensors":
            if archive.file(self.model_weights_ckpt) is not None:
                raise NemoArchiveError(
                    f"{archive.path}: its weights are pickled ({self.model_weights_ckpt}) and "
                    "this connector accepts only safetensors; restore it with "
                    "SaveRestoreConnector() (pickle read with torch's weights-only allow-list)"
                )
            return archive.require(self.model_weights_safetensors, "the model's weights")
        if any(name.startswith("mp_rank_") for name in archive.members):
            raise NemoArchiveError(
                f"{archive.path}: a model-parallel archive (mp_rank_XX/{self.model_weights_ckpt})"
                "; only single-rank archives can be restored"
            )
        return archive.require(self.model_weights_ckpt, "the model's weights")


def _to_yaml(config: Any) -> bytes:
    from omegaconf import OmegaConf

    return OmegaConf.to_yaml(config, resolve=True).encode("utf-8")


def _save_tensors(state: OrderedDict[str, torch.Tensor], path: Path) -> None:
    with atomic_output(path) as out:
        torch.save(state, out)


def _device(map_location: Any) -> torch.device:
    """NeMo's default: the GPU when there is one, else the CPU."""
    if map_location is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(map_location)
