"""Saving and restoring models as .nemo archives: round trips, artifacts, overrides, atomicity."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import torch
from core_archive_models import (
    ArtifactModel,
    ChunkRecordingModel,
    TiedModel,
    TwoArtifactModel,
    model_config,
)
from core_test_models import TinyRegression
from omegaconf import DictConfig, OmegaConf

from nemo.core.classes import ModelPT
from nemo.core.connectors import NemoArchiveError, SaveRestoreConnector, WeightsMismatchError

HERE = Path(__file__).parent
UUID_MEMBER = re.compile(r"^[0-9a-f]{32}_(.+)$")


@pytest.fixture
def artifact_file(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "file.txt"
    path.parent.mkdir()
    path.write_text("*****\n")
    return path


@pytest.fixture
def model(artifact_file: Path) -> ArtifactModel:
    torch.manual_seed(0)
    return ArtifactModel(model_config(artifact_file, xyz="abc"))


def same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    left, right = a.state_dict(), b.state_dict()
    return list(left) == list(right) and all(torch.equal(left[k], right[k]) for k in left)


class TestRoundTrip:
    def test_weights_config_and_artifact_survive_deleting_the_originals(
        self, model: ArtifactModel, artifact_file: Path, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "src" / "model.nemo")
        moved = tmp_path / "elsewhere" / "model.nemo"
        moved.parent.mkdir()
        shutil.copy(tmp_path / "src" / "model.nemo", moved)
        shutil.rmtree(tmp_path / "src")

        restored = ArtifactModel.restore_from(moved, map_location="cpu")

        assert restored.num_weights == model.num_weights == 11
        assert same_weights(restored, model)
        assert restored.temp_data == "*****\n"
        restored_name = Path(restored.temp_file).name
        assert restored_name.endswith(artifact_file.name)
        assert UUID_MEMBER.match(restored_name)
        assert restored.cfg.xyz == "abc"
        # the artifact lived in a temporary directory, removed once restore returned
        assert not Path(restored.temp_file).exists()
        assert restored.artifacts["temp_file"].path == f"nemo:{restored_name}"
        assert restored.artifacts["temp_file"].archive == str(moved)

    def test_restore_returns_an_instance_of_the_calling_class(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        path = tmp_path / "model.nemo"
        model.save_to(path)
        # through a base: the class comes from the archive, and is one of the base's
        assert type(ModelPT.restore_from(path)) is ArtifactModel
        # through an unrelated class: refused naming both, before anything is built
        with pytest.raises(
            TypeError,
            match=r"holds a core_archive_models\.ArtifactModel, which is not a TinyRegression; "
            r"restore it with ArtifactModel\.restore_from",
        ):
            TinyRegression.restore_from(path)
        config = ArtifactModel.restore_from(path, return_config=True)
        assert isinstance(config, DictConfig) and config.xyz == "abc"

    def test_the_archive_is_laid_out_as_nemo_writes_it(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        path = tmp_path / "model.nemo"
        model.save_to(path)

        assert path.read_bytes()[:2] != b"\x1f\x8b"  # uncompressed, as NeMo >= 1.7
        with tarfile.open(path, "r:") as tar:
            names = tar.getnames()
            assert names[0] == "."
            assert names[2:] == ["./model_config.yaml", "./model_weights.ckpt"]
            member = names[1].removeprefix("./")
            assert UUID_MEMBER.match(member).group(1) == "file.txt"
            assert tar.extractfile(names[1]).read() == b"*****\n"
            config = OmegaConf.create(tar.extractfile("./model_config.yaml").read().decode())
            weights = torch.load(tar.extractfile("./model_weights.ckpt"), weights_only=True)
        assert config.temp_file == f"nemo:{member}"
        assert config.target == "core_archive_models.ArtifactModel"
        assert config.xyz == "abc"
        assert list(weights) == ["w.weight", "w.bias"]  # a plain state dict
        assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())
        # saving changed the archive's config, not the model's
        assert model.cfg.temp_file == str(Path(model.temp_file))

    def test_modelpt_restore_from_builds_the_class_the_config_names(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "model.nemo")
        restored = ModelPT.restore_from(tmp_path / "model.nemo", map_location="cpu")
        assert type(restored) is ArtifactModel
        assert same_weights(restored, model)

    def test_map_location_defaults_to_the_gpu_when_there_is_one(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "model.nemo")
        restored = ArtifactModel.restore_from(tmp_path / "model.nemo")
        expected = "cuda" if torch.cuda.is_available() else "cpu"
        assert restored.w.weight.device.type == expected

    def test_save_creates_missing_directories_and_refuses_a_directory(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "a" / "b" / "model.nemo")
        assert (tmp_path / "a" / "b" / "model.nemo").is_file()
        with pytest.raises(IsADirectoryError, match="is a directory"):
            model.save_to(tmp_path / "a")

    def test_tied_weights_keep_their_values(self, artifact_file: Path, tmp_path: Path) -> None:
        tied = TiedModel(model_config(artifact_file))
        for weights_format in ("ckpt", "safetensors"):
            path = tmp_path / f"{weights_format}.nemo"
            tied.save_restore_connector = SaveRestoreConnector(weights_format=weights_format)
            tied.save_to(path)
            restored = TiedModel.restore_from(path, map_location="cpu")
            assert same_weights(restored, tied)
            assert restored.v.weight is restored.w.weight

    def test_weights_are_loaded_in_chunks_through_load_state_dict(
        self, artifact_file: Path, tmp_path: Path
    ) -> None:
        model = ChunkRecordingModel(model_config(artifact_file))
        model.save_to(tmp_path / "model.nemo")
        small_chunks = SaveRestoreConnector(load_chunk_bytes=20_000)  # a 64x64 block is 16 KiB

        restored = ChunkRecordingModel.restore_from(
            tmp_path / "model.nemo", map_location="cpu", save_restore_connector=small_chunks
        )

        assert len(restored.loaded_chunks) > 2
        loaded = [key for chunk in restored.loaded_chunks for key in chunk]
        assert sorted(loaded) == sorted(model.state_dict())
        assert same_weights(restored, model)


class TestArtifacts:
    def test_artifacts_are_extracted_only_when_asked_for(
        self, artifact_file: Path, tmp_path: Path
    ) -> None:
        vocab = tmp_path / "vocab.txt"
        vocab.write_text("a\nb\n")
        model = TwoArtifactModel(model_config(artifact_file, tokenizer={"vocab": str(vocab)}))
        model.save_to(tmp_path / "model.nemo")

        restored = TwoArtifactModel.restore_from(tmp_path / "model.nemo", map_location="cpu")

        # when temp_file was registered, nothing else had been extracted: no weights, no vocab
        assert restored.seen_files == [Path(restored.temp_file).name]
        assert restored.vocab_data == "a\nb\n"
        assert restored.cfg.tokenizer.vocab == restored.vocab
        saved = SaveRestoreConnector().load_config(tmp_path / "model.nemo")
        assert saved.tokenizer.vocab == f"nemo:{Path(restored.vocab).name}"

    def test_saving_a_restored_model_keeps_its_artifact_members(
        self, model: ArtifactModel, artifact_file: Path, tmp_path: Path
    ) -> None:
        first = tmp_path / "first.nemo"
        model.save_to(first)
        artifact_file.unlink()
        restored = ArtifactModel.restore_from(first, map_location="cpu")

        second = tmp_path / "second.nemo"
        restored.save_to(second)
        again = ArtifactModel.restore_from(second, map_location="cpu")

        assert Path(again.temp_file).name == Path(restored.temp_file).name
        assert again.temp_data == "*****\n"
        # and over the very archive it came from: read first, replaced only once complete
        restored.save_to(first)
        assert ArtifactModel.restore_from(first, map_location="cpu").temp_data == "*****\n"

    def test_a_missing_artifact_source_is_named_before_anything_is_written(
        self, model: ArtifactModel, artifact_file: Path, tmp_path: Path
    ) -> None:
        artifact_file.unlink()
        with pytest.raises(FileNotFoundError, match="artifact 'temp_file'.*no longer exists"):
            model.save_to(tmp_path / "model.nemo")
        assert list(tmp_path.iterdir()) == [artifact_file.parent]

    def test_archives_without_artifacts(self, tmp_path: Path) -> None:
        model = ArtifactModel(model_config(None))
        model.save_to(tmp_path / "model.nemo")
        restored = ArtifactModel.restore_from(tmp_path / "model.nemo", map_location="cpu")
        assert restored.temp_file is None
        assert same_weights(restored, model)


class TestConfigs:
    def test_return_config_gives_the_saved_config(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "model.nemo")
        config = ArtifactModel.restore_from(tmp_path / "model.nemo", return_config=True)
        assert isinstance(config, DictConfig)
        assert config.target == "core_archive_models.ArtifactModel"
        assert config.xyz == "abc"
        assert config.temp_file.startswith("nemo:")

    def test_override_with_a_dictconfig_uses_its_model_key(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "model.nemo")
        config = ArtifactModel.restore_from(tmp_path / "model.nemo", return_config=True)
        config.xyz = "from the override"
        override = OmegaConf.create({"model": config, "trainer": {"devices": 1}})

        restored = ArtifactModel.restore_from(
            tmp_path / "model.nemo", override_config_path=override, map_location="cpu"
        )

        assert restored.cfg.xyz == "from the override"
        assert "trainer" not in restored.cfg
        assert restored.temp_data == "*****\n"
        assert same_weights(restored, model)

    def test_override_from_a_yaml_path(self, model: ArtifactModel, tmp_path: Path) -> None:
        model.save_to(tmp_path / "model.nemo")
        config = ArtifactModel.restore_from(tmp_path / "model.nemo", return_config=True)
        config.xyz = "${answer}"  # interpolations are resolved
        config.answer = "from yaml"
        OmegaConf.save(config, tmp_path / "override.yaml")

        restored = ArtifactModel.restore_from(
            tmp_path / "model.nemo",
            override_config_path=str(tmp_path / "override.yaml"),
            map_location="cpu",
        )

        assert restored.cfg.xyz == "from yaml"
        with pytest.raises(FileNotFoundError, match="override_config_path.*nope.yaml"):
            ArtifactModel.restore_from(tmp_path / "model.nemo", override_config_path="nope.yaml")

    def test_sections_the_model_does_not_use_are_kept(
        self, artifact_file: Path, tmp_path: Path
    ) -> None:
        # NeMo 3.0 writes nemo_version and a decoding section; models take what they know
        model = ArtifactModel(
            model_config(artifact_file, nemo_version="3.0.0", decoding={"strategy": "greedy"})
        )
        model.save_to(tmp_path / "model.nemo")
        restored = ArtifactModel.restore_from(tmp_path / "model.nemo", map_location="cpu")
        assert restored.cfg.decoding.strategy == "greedy"
        assert restored.cfg.nemo_version == "3.0.0"


class TestWeightsThatDoNotFit:
    def test_missing_keys_are_listed_with_shapes_and_strict_false_loads_the_rest(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "model.nemo")
        config = ArtifactModel.restore_from(tmp_path / "model.nemo", return_config=True)
        config.target = "core_archive_models.ChunkRecordingModel"  # has 4 more Linear layers

        with pytest.raises(WeightsMismatchError) as raised:
            ModelPT.restore_from(tmp_path / "model.nemo", override_config_path=config)
        message = str(raised.value)
        assert "missing: in the model, not in the archive (8)" in message
        assert "blocks.0.weight [64, 64]" in message
        assert "strict=False" in message
        assert ("blocks.3.bias", (64,)) in raised.value.missing

        with pytest.warns(UserWarning, match="blocks.0.weight"):
            restored = ModelPT.restore_from(
                tmp_path / "model.nemo", override_config_path=config, strict=False
            )
        assert torch.equal(restored.w.weight, model.w.weight)

    def test_unexpected_keys_are_listed(self, artifact_file: Path, tmp_path: Path) -> None:
        tied = TiedModel(model_config(artifact_file))
        tied.save_to(tmp_path / "model.nemo")
        config = TiedModel.restore_from(tmp_path / "model.nemo", return_config=True)
        config.target = "core_archive_models.ArtifactModel"

        with pytest.raises(WeightsMismatchError) as raised:
            ModelPT.restore_from(tmp_path / "model.nemo", override_config_path=config)
        assert "unexpected: in the archive, not in the model (2)" in str(raised.value)
        assert raised.value.unexpected == [("v.bias", (1,)), ("v.weight", (1, 10))]

    def test_shape_mismatches_are_shown_and_never_skipped(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "model.nemo")
        config = ArtifactModel.restore_from(tmp_path / "model.nemo", return_config=True)
        config.n_in = 12
        for strict in (True, False):
            with pytest.raises(WeightsMismatchError, match=r"w.weight: \[1, 10\] vs \[1, 12\]"):
                ArtifactModel.restore_from(
                    tmp_path / "model.nemo", override_config_path=config, strict=strict
                )


SAFETENSORS_FROM_THE_LIBRARY = (  # safetensors 0.8.0's save() of the state dict in the test below
    "YAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJleHRyYS5zdGVwcyI6eyJkdHlwZSI6Ikk2"
    "NCIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzAsMTZdfSwidy5iaWFzIjp7ImR0eXBlIjoiRjMyIiwic2hh"
    "cGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMTYsMjBdfSwidy53ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6"
    "WzEsM10sImRhdGFfb2Zmc2V0cyI6WzIwLDMyXX0sImV4dHJhLmhhbGYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUi"
    "OlsyXSwiZGF0YV9vZmZzZXRzIjpbMzIsMzZdfSwiZXh0cmEuZmxhZyI6eyJkdHlwZSI6IkJPT0wiLCJzaGFwZSI6"
    "WzJdLCJkYXRhX29mZnNldHMiOlszNiwzOF19fSAgAwAAAAAAAAAEAAAAAAAAAAAAgD4AAAA/AACAvwAAAEDAPwDA"
    "AQA="
)


class TestSafetensors:
    def test_round_trip_with_safetensors_weights(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_restore_connector = SaveRestoreConnector(weights_format="safetensors")
        model.save_to(tmp_path / "model.nemo")
        with tarfile.open(tmp_path / "model.nemo") as tar:
            assert tar.getnames()[-1] == "./model_weights.safetensors"
        only_safetensors = SaveRestoreConnector(weights_format="safetensors")
        for connector in (None, only_safetensors):
            restored = ArtifactModel.restore_from(
                tmp_path / "model.nemo", map_location="cpu", save_restore_connector=connector
            )
            assert same_weights(restored, model)
            assert restored.temp_data == "*****\n"
        # the connector that read a model writes it again
        restored.save_to(tmp_path / "again.nemo")
        with tarfile.open(tmp_path / "again.nemo") as tar:
            assert tar.getnames()[-1] == "./model_weights.safetensors"

    def test_a_file_written_by_the_safetensors_library_is_read(self, tmp_path: Path) -> None:
        import base64

        weights = tmp_path / "model_weights.safetensors"
        weights.write_bytes(base64.b64decode(SAFETENSORS_FROM_THE_LIBRARY))
        (tmp_path / "model_config.yaml").write_text(
            "target: core_archive_models.ArtifactModel\nn_in: 3\ntemp_file: null\n"
        )
        with tarfile.open(tmp_path / "model.nemo", "w") as tar:
            tar.add(tmp_path / "model_config.yaml", arcname="./model_config.yaml")
            tar.add(weights, arcname="./model_weights.safetensors")

        state = SaveRestoreConnector().extract_state_dict_from(
            tmp_path / "model.nemo", tmp_path / "out"
        )
        assert state["extra.steps"].tolist() == [3, 4]
        assert state["extra.flag"].tolist() == [True, False]
        assert state["extra.half"].dtype == torch.bfloat16
        assert state["extra.half"].tolist() == [1.5, -2.0]
        with pytest.warns(UserWarning, match="unexpected: in the archive, not in the model"):
            restored = ModelPT.restore_from(
                tmp_path / "model.nemo", map_location="cpu", strict=False
            )
        assert restored.w.weight.tolist() == [[0.5, -1.0, 2.0]]
        assert restored.w.bias.tolist() == [0.25]

    def test_a_safetensors_only_connector_refuses_pickled_weights(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "model.nemo")
        with pytest.raises(NemoArchiveError, match="weights are pickled.*accepts only safetensors"):
            ArtifactModel.restore_from(
                tmp_path / "model.nemo",
                save_restore_connector=SaveRestoreConnector(weights_format="safetensors"),
            )

    def test_unknown_weights_format(self) -> None:
        with pytest.raises(ValueError, match="weights_format must be one of"):
            SaveRestoreConnector(weights_format="npz")  # type: ignore[arg-type]


class TestExtractStateDict:
    def test_whole_and_split_by_module(self, artifact_file: Path, tmp_path: Path) -> None:
        model = ChunkRecordingModel(model_config(artifact_file))
        model.save_to(tmp_path / "model.nemo")

        whole = ModelPT.extract_state_dict_from(tmp_path / "model.nemo", tmp_path / "whole")
        assert sorted(p.name for p in (tmp_path / "whole").iterdir()) == ["model_weights.ckpt"]
        saved = torch.load(tmp_path / "whole" / "model_weights.ckpt", weights_only=True)
        assert list(saved) == list(whole) == list(model.state_dict())

        split = ModelPT.extract_state_dict_from(
            tmp_path / "model.nemo", tmp_path / "split", split_by_module=True
        )
        assert list(split) == list(model.state_dict())
        assert sorted(p.name for p in (tmp_path / "split").iterdir()) == ["blocks.ckpt", "w.ckpt"]
        fresh = ChunkRecordingModel(model_config(artifact_file))
        fresh.blocks.load_state_dict(
            torch.load(tmp_path / "split" / "blocks.ckpt", weights_only=True)
        )
        fresh.w.load_state_dict(torch.load(tmp_path / "split" / "w.ckpt", weights_only=True))
        assert same_weights(fresh, model)

    def test_a_missing_archive_raises_file_not_found(self, tmp_path: Path) -> None:
        # NeMo raises FileExistsError here (quirk 9); fixed: the file does not exist
        with pytest.raises(FileNotFoundError, match="no such .nemo archive"):
            ModelPT.extract_state_dict_from(tmp_path / "nope.nemo", tmp_path / "out")

    def test_weight_names_never_become_paths_outside_the_directory(self, tmp_path: Path) -> None:
        weights = {"/tmp/evil.weight": torch.zeros(1), "../up.weight": torch.zeros(1)}
        for name, tensor in weights.items():
            path = tmp_path / "model.nemo"
            write_archive(
                path,
                {
                    "model_config.yaml": b"target: x.Y\n",
                    "model_weights.ckpt": torch_bytes({name: tensor}),
                },
            )
            with pytest.raises(NemoArchiveError, match="module name usable as a file name"):
                ModelPT.extract_state_dict_from(path, tmp_path / "out", split_by_module=True)
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def torch_bytes(obj: object) -> bytes:
    import io

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def write_archive(path: Path, members: dict[str, bytes]) -> None:
    import io

    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"./{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


class TestAtomicSave:
    def test_a_failing_save_leaves_the_previous_file_and_no_debris(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        path = tmp_path / "model.nemo"
        model.save_to(path)
        before = path.read_bytes()

        class Unpicklable(ArtifactModel):
            def state_dict(self, *args: object, **kwargs: object) -> dict[str, object]:
                return {**super().state_dict(), "broken": lambda: None}

        broken = Unpicklable(model_config(Path(model.temp_file)))
        with pytest.raises(Exception, match="lambda|pickle"):
            broken.save_to(path)
        assert path.read_bytes() == before
        with pytest.raises(Exception, match="lambda|pickle"):
            broken.save_to(tmp_path / "new.nemo")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["model.nemo", "src"]

    def test_a_save_killed_midway_never_truncates_the_previous_file(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        path = tmp_path / "model.nemo"
        model.save_to(path)
        before = path.read_bytes()
        marker = tmp_path / "saving"
        script = (
            "import sys, time\n"
            "from pathlib import Path\n"
            "from core_archive_models import ArtifactModel, model_config\n"
            "class Stalling(ArtifactModel):\n"
            "    def state_dict(self, *args, **kwargs):\n"
            "        Path(sys.argv[2]).write_text('saving')\n"
            "        time.sleep(300)\n"
            "ArtifactModel.restore_from(sys.argv[1], map_location='cpu')\n"
            "Stalling(model_config(Path(sys.argv[3]))).save_to(sys.argv[1])\n"
        )
        env = {**os.environ, "PYTHONPATH": str(HERE)}
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(path), str(marker), str(model.temp_file)], env=env
        )
        try:
            deadline = time.monotonic() + 120
            while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert marker.exists(), "the child never reached the weights"
            assert len(list(tmp_path.glob(".model.nemo.*.partial"))) == 1  # being written
        finally:
            child.kill()
            child.wait()
        assert path.read_bytes() == before
        assert ArtifactModel.restore_from(path, map_location="cpu").temp_data == "*****\n"


class TestInfoCommand:
    def test_info_prints_class_parameters_and_artifacts(
        self, model: ArtifactModel, tmp_path: Path
    ) -> None:
        model.save_to(tmp_path / "model.nemo")
        env = {**os.environ, "PYTHONPATH": str(HERE)}
        command = [sys.executable, "-m", "nemo.core.cli", "info", str(tmp_path / "model.nemo")]

        text = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        assert text.returncode == 0, text.stderr
        assert "class:      core_archive_models.ArtifactModel" in text.stdout
        assert "parameters: 11 in 2 tensors" in text.stdout
        assert "_file.txt" in text.stdout

        done = subprocess.run(
            [*command, "--json"], capture_output=True, text=True, env=env, check=False
        )
        assert done.returncode == 0, done.stderr
        info = json.loads(done.stdout)
        assert info["parameters"] == 11
        assert info["modules"] == {"w": 11}
        assert info["sections"]["xyz"] == "'abc'"
        [artifact] = info["artifacts"]
        assert artifact["key"] == "temp_file"
        assert artifact["size"] == 6

    def test_info_reports_a_bad_file_without_a_traceback(self, tmp_path: Path) -> None:
        (tmp_path / "text.nemo").write_text("hello")
        done = subprocess.run(
            [sys.executable, "-m", "nemo.core.cli", "info", str(tmp_path / "text.nemo")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1
        assert "too short for a tar archive" in done.stderr
        assert "Traceback" not in done.stderr
