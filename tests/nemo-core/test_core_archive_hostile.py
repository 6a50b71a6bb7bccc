"""Hostile and damaged archives: each is refused with a clear error, and nothing runs or escapes."""

from __future__ import annotations

import gzip
import io
import pickle
import random
import tarfile
import zipfile
from pathlib import Path

import pytest
import torch
from core_archive_models import ArtifactModel, model_config

from nemo.core.classes import ModelPT
from nemo.core.connectors import (
    ArchiveLimits,
    NemoArchiveError,
    SaveRestoreConnector,
    describe_archive,
)

CONFIG = b"target: core_archive_models.ArtifactModel\ntemp_file: null\n"


def torch_bytes(obj: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def weights() -> bytes:
    torch.manual_seed(0)
    return torch_bytes(torch.nn.Linear(10, 1).state_dict())


def build(path: Path, *entries: tarfile.TarInfo | tuple[str, bytes]) -> Path:
    """A tar of ``(name, data)`` files and raw TarInfo entries (links, devices...)."""
    with tarfile.open(path, "w") as tar:
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                tar.addfile(entry)
            else:
                name, data = entry
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return path


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def valid_members() -> list[tuple[str, bytes]]:
    return [("./model_config.yaml", CONFIG), ("./model_weights.ckpt", weights())]


class CreatesAFile:
    """Unpickling this would call open(path, "w"): a file appearing proves code ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


class TestUnsafeMembers:
    @pytest.mark.parametrize(
        "name", ["../evil.txt", "./../../evil.txt", "/tmp/nemo-evil.txt", "a/../../evil.txt"]
    )
    def test_names_that_leave_the_directory(self, tmp_path: Path, name: str) -> None:
        path = build(tmp_path / "bad.nemo", *valid_members(), (name, b"owned"))
        with pytest.raises(NemoArchiveError, match="absolute or parent-relative name"):
            ArtifactModel.restore_from(path, map_location="cpu")
        assert not (tmp_path.parent / "evil.txt").exists()
        assert not Path("/tmp/nemo-evil.txt").exists()

    @pytest.mark.parametrize(
        ("kind", "words"), [(tarfile.SYMTYPE, "symbolic link"), (tarfile.LNKTYPE, "hard link")]
    )
    def test_links(self, tmp_path: Path, kind: bytes, words: str) -> None:
        link = special("./0123_vocab.txt", kind, linkname="/etc/passwd")
        path = build(tmp_path / "bad.nemo", *valid_members(), link)
        with pytest.raises(NemoArchiveError, match=f"is a {words} \\(to '/etc/passwd'\\)"):
            ArtifactModel.restore_from(path, map_location="cpu")

    def test_a_link_in_place_of_the_config(self, tmp_path: Path) -> None:
        link = special("./model_config.yaml", tarfile.SYMTYPE, linkname="/etc/passwd")
        path = build(tmp_path / "bad.nemo", link, ("./model_weights.ckpt", weights()))
        with pytest.raises(NemoArchiveError, match="symbolic link"):
            ModelPT.restore_from(path, return_config=True)

    @pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
    def test_devices_and_fifos(self, tmp_path: Path, kind: bytes) -> None:
        path = build(tmp_path / "bad.nemo", *valid_members(), special("./dev", kind))
        with pytest.raises(NemoArchiveError, match="device, fifo or other special file"):
            ArtifactModel.restore_from(path, map_location="cpu")

    def test_a_member_twice(self, tmp_path: Path) -> None:
        path = build(tmp_path / "bad.nemo", *valid_members(), ("model_config.yaml", CONFIG))
        with pytest.raises(NemoArchiveError, match="appears twice"):
            ArtifactModel.restore_from(path, map_location="cpu")

    def test_an_artifact_reference_outside_the_archive_is_not_found(self, tmp_path: Path) -> None:
        config = CONFIG.replace(b"temp_file: null", b"temp_file: nemo:../../etc/passwd")
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", config),
            ("./model_weights.ckpt", weights()),
        )
        with pytest.raises(FileNotFoundError, match="neither an existing file nor a member"):
            ArtifactModel.restore_from(path, map_location="cpu")


class TestCodeInTheArchive:
    def test_a_pickle_payload_in_a_torch_checkpoint_never_runs(self, tmp_path: Path) -> None:
        marker = tmp_path / "created-by-the-payload"
        payload = torch_bytes({"w.weight": CreatesAFile(marker)})
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", CONFIG),
            ("./model_weights.ckpt", payload),
        )

        for read in (
            lambda: ArtifactModel.restore_from(path, map_location="cpu"),
            lambda: ModelPT.extract_state_dict_from(path, tmp_path / "out"),
            lambda: describe_archive(path),
        ):
            with pytest.raises(
                NemoArchiveError,
                match=r"refusing to unpickle it.*GLOBAL io.open was not an allowed global",
            ):
                read()
        assert not marker.exists()

    def test_a_pickle_payload_in_a_bare_pickle_never_runs(self, tmp_path: Path) -> None:
        marker = tmp_path / "created-by-the-payload"
        payload = pickle.dumps(CreatesAFile(marker), protocol=2)
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", CONFIG),
            ("./model_weights.ckpt", payload),
        )
        with pytest.raises(NemoArchiveError, match="refusing to unpickle it"):
            ArtifactModel.restore_from(path, map_location="cpu")
        assert not marker.exists()

    @pytest.mark.parametrize(
        "net",
        [
            "{_target_: builtins.open, file: MARKER, mode: w}",
            "{_target_: core_test_models.LinearModule,"
            " n_in: {_target_: builtins.open, file: MARKER, mode: w}}",
        ],
    )
    def test_a_config_target_that_is_not_a_module_is_never_called(
        self, tmp_path: Path, net: str
    ) -> None:
        # TinyRegression builds cfg.net through from_config_dict, i.e. Hydra's instantiate
        marker = tmp_path / "created-by-the-config"
        config = (
            f"target: core_test_models.TinyRegression\nnet: {net.replace('MARKER', str(marker))}\n"
        )
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", config.encode()),
            ("./model_weights.ckpt", weights()),
        )
        with pytest.raises(
            NemoArchiveError, match="names 'builtins.open', which is not a module class"
        ):
            ModelPT.restore_from(path, map_location="cpu")
        assert not marker.exists()

    @pytest.mark.parametrize(
        "target", ["builtins.open", "collections.OrderedDict", "subprocess.Popen"]
    )
    def test_a_model_target_that_is_not_a_model(self, tmp_path: Path, target: str) -> None:
        config = CONFIG.replace(b"core_archive_models.ArtifactModel", target.encode())
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", config),
            ("./model_weights.ckpt", weights()),
        )
        with pytest.raises(
            NemoArchiveError, match=f"target names '{target}', which is not a module class"
        ):
            ModelPT.restore_from(path, map_location="cpu")

    def test_an_unknown_class_names_the_class(self, tmp_path: Path) -> None:
        config = CONFIG.replace(
            b"core_archive_models.ArtifactModel", b"nemo_nowhere.models.Missing"
        )
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", config),
            ("./model_weights.ckpt", weights()),
        )
        with pytest.raises(
            ValueError, match="'nemo_nowhere.models.Missing', which cannot be imported"
        ):
            ModelPT.restore_from(path, map_location="cpu")


class TestDamagedArchives:
    def test_truncation_at_any_offset_is_reported(self, tmp_path: Path) -> None:
        source = tmp_path / "file.txt"
        source.write_text("*****\n")
        ArtifactModel(model_config(source)).save_to(tmp_path / "model.nemo")
        data = (tmp_path / "model.nemo").read_bytes()
        with tarfile.open(tmp_path / "model.nemo") as tar:
            members = tar.getmembers()
        offsets = {1, 100, 511, 512, 1000}
        for member in members:  # inside each header, inside each member's data, right after
            offsets |= {member.offset + 100, member.offset_data + member.size // 2}
            offsets.add(member.offset_data + member.size)
        offsets.add(members[-1].offset_data + -(-members[-1].size // 512) * 512)  # no end marker
        for offset in sorted(offsets):
            (tmp_path / "cut.nemo").write_bytes(data[:offset])
            with pytest.raises(NemoArchiveError, match="truncated") as raised:
                ArtifactModel.restore_from(tmp_path / "cut.nemo", map_location="cpu")
            assert str(tmp_path / "cut.nemo") in str(raised.value)

    def test_a_truncated_gzip_archive(self, tmp_path: Path) -> None:
        inner = build(tmp_path / "inner.tar", *valid_members())
        packed = gzip.compress(inner.read_bytes())
        (tmp_path / "cut.nemo").write_bytes(packed[: len(packed) // 2])
        with pytest.raises(NemoArchiveError, match="the gzip archive is truncated"):
            ModelPT.restore_from(tmp_path / "cut.nemo")

    def test_a_corrupt_header_in_the_middle(self, tmp_path: Path) -> None:
        path = build(tmp_path / "model.nemo", *valid_members())
        with tarfile.open(path) as tar:
            weights_header = tar.getmember("./model_weights.ckpt").offset
        data = bytearray(path.read_bytes())
        data[weights_header + 10 : weights_header + 20] = b"X" * 10  # breaks its checksum
        path.write_bytes(bytes(data))
        with pytest.raises(NemoArchiveError, match=f"invalid tar header at byte {weights_header}"):
            ModelPT.restore_from(path, map_location="cpu")

    def test_corrupt_weights(self, tmp_path: Path) -> None:
        damaged = bytearray(weights())
        damaged[-60:] = bytes(60)  # the zip's directory
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", CONFIG),
            ("./model_weights.ckpt", bytes(damaged)),
        )
        with pytest.raises(
            NemoArchiveError, match="model_weights.ckpt: not a readable torch checkpoint"
        ):
            ArtifactModel.restore_from(path, map_location="cpu")

    def test_weights_that_are_not_a_state_dict(self, tmp_path: Path) -> None:
        lightning_like = torch_bytes({"state_dict": {"w.weight": torch.zeros(1)}, "epoch": 3})
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", CONFIG),
            ("./model_weights.ckpt", lightning_like),
        )
        with pytest.raises(NemoArchiveError, match="not a plain state dict: entry 'state_dict'"):
            ArtifactModel.restore_from(path, map_location="cpu")

    def test_safetensors_whose_header_lies(self, tmp_path: Path) -> None:
        header = b'{"w.weight":{"dtype":"F32","shape":[1,10],"data_offsets":[0,40]}}'
        data = len(header).to_bytes(8, "little") + header + bytes(8)  # 8 of the 40 bytes
        path = build(
            tmp_path / "bad.nemo",
            ("./model_config.yaml", CONFIG),
            ("./model_weights.safetensors", data),
        )
        with pytest.raises(
            NemoArchiveError, match="do not hold its 40 bytes.*truncated or corrupt"
        ):
            ArtifactModel.restore_from(path, map_location="cpu")


class TestNotArchives:
    def test_random_bytes(self, tmp_path: Path) -> None:
        noise = random.Random(0).randbytes(100_000)
        (tmp_path / "noise.nemo").write_bytes(b"\0" + noise)  # not gzip's magic
        with pytest.raises(NemoArchiveError, match="is not a .nemo archive: no valid tar header"):
            ModelPT.restore_from(tmp_path / "noise.nemo")

    def test_a_zip_file(self, tmp_path: Path) -> None:
        with zipfile.ZipFile(tmp_path / "model.nemo", "w") as archive:
            archive.writestr("model_config.yaml", CONFIG)
            archive.writestr("padding", bytes(2048))
        with pytest.raises(NemoArchiveError, match="it is a zip file"):
            ModelPT.restore_from(tmp_path / "model.nemo")

    def test_a_text_file_and_an_empty_file(self, tmp_path: Path) -> None:
        (tmp_path / "text.nemo").write_text("model: quartznet\n" * 200)
        with pytest.raises(NemoArchiveError, match="no valid tar header"):
            ModelPT.restore_from(tmp_path / "text.nemo")
        (tmp_path / "empty.nemo").write_bytes(b"")
        with pytest.raises(NemoArchiveError, match="empty file"):
            ModelPT.restore_from(tmp_path / "empty.nemo")

    def test_a_missing_file_and_a_directory(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError, match="no such .nemo archive"):
            ModelPT.restore_from(tmp_path / "nope.nemo")
        with pytest.raises(NemoArchiveError, match="is a directory"):
            ModelPT.restore_from(tmp_path)

    def test_missing_members(self, tmp_path: Path) -> None:
        path = build(tmp_path / "a.nemo", ("./model_weights.ckpt", weights()))
        with pytest.raises(
            NemoArchiveError, match=r"no model_config.yaml member .*\['model_weights.ckpt'\]"
        ):
            ModelPT.restore_from(path)
        path = build(tmp_path / "b.nemo", ("./model_config.yaml", CONFIG))
        with pytest.raises(NemoArchiveError, match="no model_weights.ckpt member"):
            ModelPT.restore_from(path)
        path = build(
            tmp_path / "c.nemo",
            ("./model_config.yaml", CONFIG),
            ("./mp_rank_00/model_weights.ckpt", weights()),
        )
        with pytest.raises(NemoArchiveError, match="model-parallel archive"):
            ModelPT.restore_from(path)

    def test_a_config_that_is_not_a_mapping(self, tmp_path: Path) -> None:
        path = build(
            tmp_path / "a.nemo",
            ("./model_config.yaml", b"- a\n- b\n"),
            ("./model_weights.ckpt", weights()),
        )
        with pytest.raises(NemoArchiveError, match="model_config.yaml: not a mapping"):
            ModelPT.restore_from(path)


class TestBounds:
    def test_a_gzip_bomb(self, tmp_path: Path) -> None:
        inner = build(tmp_path / "inner.tar", *valid_members(), ("./zeros", bytes(8 * 2**20)))
        (tmp_path / "bomb.nemo").write_bytes(gzip.compress(inner.read_bytes()))
        limits = ArchiveLimits(max_expansion_ratio=10, min_expansion_allowance=2**20)
        with pytest.raises(NemoArchiveError, match="decompression bomb"):
            ModelPT.restore_from(
                tmp_path / "bomb.nemo", save_restore_connector=SaveRestoreConnector(limits=limits)
            )

    def test_a_zip_bomb_inside_the_weights(self, tmp_path: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("archive/data.pkl", bytes(64 * 2**20))  # 64 MiB in about 64 KiB
        path = build(
            tmp_path / "bomb.nemo",
            ("./model_config.yaml", CONFIG),
            ("./model_weights.ckpt", buffer.getvalue()),
        )
        limits = ArchiveLimits(max_expansion_ratio=10, min_expansion_allowance=2**20)
        with pytest.raises(NemoArchiveError, match="declare 67108864 bytes.*decompression bomb"):
            ModelPT.restore_from(path, save_restore_connector=SaveRestoreConnector(limits=limits))

    def test_too_many_members(self, tmp_path: Path) -> None:
        extra = [(f"./file{i}", b"x") for i in range(10)]
        path = build(tmp_path / "many.nemo", *valid_members(), *extra)
        connector = SaveRestoreConnector(limits=ArchiveLimits(max_members=5))
        with pytest.raises(NemoArchiveError, match="more than 5 members"):
            ModelPT.restore_from(path, save_restore_connector=connector)

    def test_a_yaml_alias_bomb(self, tmp_path: Path) -> None:
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
        config = ("\n".join(lines) + "\n").encode()  # 10^8 nodes once expanded
        path = build(
            tmp_path / "bomb.nemo",
            ("./model_config.yaml", config),
            ("./model_weights.ckpt", weights()),
        )
        with pytest.raises(NemoArchiveError, match="expands to .* YAML nodes"):
            ModelPT.restore_from(path, return_config=True)
