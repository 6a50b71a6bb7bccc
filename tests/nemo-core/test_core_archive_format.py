"""Archives as NVIDIA NeMo writes them: 3.0 (an uncompressed tar) and 1.x (gzip-compressed)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import torch
from core_archive_models import ArtifactModel, model_config

from nemo.core.classes import ModelPT
from nemo.core.connectors import SaveRestoreConnector, describe_archive

HERE = Path(__file__).parent
NEMO3_ARCHIVE = HERE / "data" / "nemo3_qn_small.nemo"  # NeMo 3.0.0's EncDecCTCModel, see README


def plain_torch_load(archive: Path, member: str) -> dict[str, torch.Tensor]:
    """The weights as NeMo reads them: tarfile, then torch.load."""
    with tarfile.open(archive) as tar:
        return torch.load(io.BytesIO(tar.extractfile(member).read()), weights_only=True)


class TestNemo3Archive:
    def test_config_is_read_with_the_sections_nemo_3_adds(self) -> None:
        config = ModelPT.restore_from(NEMO3_ARCHIVE, return_config=True)
        assert config.target == "nemo.collections.asr.models.ctc_models.EncDecCTCModel"
        assert config.nemo_version == "3.0.0"
        assert config.decoding.strategy == "greedy_batch"
        assert config.decoder.num_classes == 28
        assert config.encoder.jasper[0].filters == 128

    def test_weights_are_read_in_place_with_names_shapes_and_values(self, tmp_path: Path) -> None:
        state = ModelPT.extract_state_dict_from(NEMO3_ARCHIVE, tmp_path)
        expected = plain_torch_load(NEMO3_ARCHIVE, "./model_weights.ckpt")

        assert list(state) == list(expected)
        assert len(state) == 84
        assert sum(t.numel() for t in state.values()) == 537_961
        assert state["encoder.encoder.0.mconv.0.conv.weight"].shape == (64, 1, 33)
        assert state["decoder.decoder_layers.0.weight"].shape == (29, 512, 1)
        assert state["encoder.encoder.5.mconv.1.num_batches_tracked"].dtype == torch.int64
        assert all(torch.equal(state[k], expected[k]) for k in expected)
        # a buffer with known values: the periodic=False Hann window of 320 samples
        assert torch.allclose(
            state["preprocessor.featurizer.window"], torch.hann_window(320, periodic=False)
        )

    def test_split_by_module_gives_nemo_s_three_files(self, tmp_path: Path) -> None:
        ModelPT.extract_state_dict_from(NEMO3_ARCHIVE, tmp_path, split_by_module=True)
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == ["decoder.ckpt", "encoder.ckpt", "preprocessor.ckpt"]
        decoder = torch.load(tmp_path / "decoder.ckpt", weights_only=True)
        assert sorted(decoder) == ["decoder_layers.0.bias", "decoder_layers.0.weight"]

    def test_describe_archive_counts_parameters_without_loading_them(self) -> None:
        info = describe_archive(NEMO3_ARCHIVE)
        assert info.target == "nemo.collections.asr.models.ctc_models.EncDecCTCModel"
        assert info.nemo_version == "3.0.0"
        assert info.compressed is False
        assert info.tensors == 84
        assert info.parameters == 537_961
        assert info.modules == {"preprocessor": 16_768, "encoder": 506_316, "decoder": 14_877}
        assert info.dtypes == {"float32": 537_949, "int64": 12}
        assert info.sections["encoder"].startswith("nemo.collections.asr.modules.ConvASREncoder")
        assert info.artifacts == []

    def test_nemo_info_json(self) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "nemo.core.cli", "info", str(NEMO3_ARCHIVE), "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        info = json.loads(done.stdout)
        assert info["parameters"] == 537_961
        assert info["weights_member"] == "model_weights.ckpt"


def nemo_1_archive(directory: Path, model: ArtifactModel, config_value: str) -> Path:
    """What NeMo 1.0's save_to wrote: a folder tarred with arcname "." into a tar.gz."""
    from omegaconf import OmegaConf

    folder = directory / "folder"
    folder.mkdir()
    member = "0123456789abcdef0123456789abcdef_file.txt"
    (folder / member).write_text("*****\n")
    config = OmegaConf.create(OmegaConf.to_container(model.cfg))
    config.temp_file = config_value
    OmegaConf.save(config, folder / "model_config.yaml")
    torch.save(model.state_dict(), folder / "model_weights.ckpt")
    path = directory / "old.nemo"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname=".")
    return path


class TestNemo1Archives:
    def test_gzip_archives_are_restored(self, tmp_path: Path) -> None:
        source = tmp_path / "file.txt"
        source.write_text("*****\n")
        model = ArtifactModel(model_config(source))
        path = nemo_1_archive(tmp_path, model, "nemo:0123456789abcdef0123456789abcdef_file.txt")
        assert path.read_bytes()[:2] == b"\x1f\x8b"

        restored = ArtifactModel.restore_from(path, map_location="cpu")

        assert restored.temp_data == "*****\n"
        assert all(
            torch.equal(a, b)
            for a, b in zip(
                restored.state_dict().values(), model.state_dict().values(), strict=True
            )
        )
        assert describe_archive(path).compressed is True
        # saving it again writes today's uncompressed format, artifact member kept
        restored.save_to(tmp_path / "new.nemo")
        with tarfile.open(tmp_path / "new.nemo", "r:") as tar:
            assert "./0123456789abcdef0123456789abcdef_file.txt" in tar.getnames()

    def test_artifacts_named_by_basename_as_rc1_wrote_them(self, tmp_path: Path) -> None:
        # NeMo 1.0rc1 kept the original path in the config and the file under its basename
        source = tmp_path / "file.txt"
        source.write_text("*****\n")
        model = ArtifactModel(model_config(source))
        path = nemo_1_archive(tmp_path, model, "/gone/0123456789abcdef0123456789abcdef_file.txt")
        restored = ArtifactModel.restore_from(path, map_location="cpu")
        assert restored.temp_data == "*****\n"

    def test_member_names_with_or_without_dot_slash(self, tmp_path: Path) -> None:
        model = ArtifactModel(model_config(None))
        model.save_to(tmp_path / "model.nemo")
        with tarfile.open(tmp_path / "model.nemo") as tar:
            members = {
                m.name.removeprefix("./"): tar.extractfile(m).read() for m in tar if m.isfile()
            }
        with tarfile.open(tmp_path / "bare.nemo", "w", format=tarfile.GNU_FORMAT) as tar:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        restored = ModelPT.restore_from(tmp_path / "bare.nemo", map_location="cpu")
        assert torch.equal(restored.w.weight, model.w.weight)


def test_saved_archives_have_the_permissions_of_a_new_file(tmp_path: Path) -> None:
    model = ArtifactModel(model_config(None))
    umask = os.umask(0o022)
    try:
        model.save_to(tmp_path / "model.nemo")
    finally:
        os.umask(umask)
    assert (tmp_path / "model.nemo").stat().st_mode & 0o777 == 0o644
    (tmp_path / "model.nemo").chmod(0o600)
    model.save_to(tmp_path / "model.nemo")  # replacing keeps the file's permissions
    assert (tmp_path / "model.nemo").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("weights_format", ["ckpt", "safetensors"])
def test_restore_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, weights_format: str
) -> None:
    import tempfile

    source = tmp_path / "file.txt"
    source.write_text("*****\n")
    model = ArtifactModel(model_config(source))
    model.save_restore_connector = SaveRestoreConnector(weights_format=weights_format)  # type: ignore[arg-type]
    model.save_to(tmp_path / "model.nemo")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))

    restored = ArtifactModel.restore_from(tmp_path / "model.nemo", map_location="cpu")

    assert restored.temp_data == "*****\n"
    assert list(temporary.iterdir()) == []
