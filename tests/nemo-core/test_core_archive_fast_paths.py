"""The fast paths of save and restore give exactly what the plain ones give.

Restoring builds the model with its random initialisers skipped, when every value they leave
unset is shown to be overwritten by the archive, and reads the weights straight into the
model's tensors; otherwise it builds it initialised as usual. Saving writes torch's zip without
its CRC-32 pass and fills them in afterwards. A restore that skipped the initialisers draws no
random numbers: the RNG state tells which path was taken.
"""

from __future__ import annotations

import io
import math
import tarfile
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
import torch
from core_archive_models import (
    ArtifactModel,
    BigCustomModel,
    BigModel,
    RandomBufferModel,
    ReadingModel,
    ShiftedInitModel,
    TiedModel,
    UntiedModel,
    WeightNormModel,
    model_config,
)

from nemo.core.classes import ModelPT
from nemo.core.connectors import NemoArchiveError
from nemo.core.connectors._init_skipping import InitSkipping
from nemo.core.connectors._load_targets import load_targets
from nemo.core.connectors._memory import Filler
from nemo.core.connectors._tar_reader import MemberView


def restore(path: Path, **kwargs: object) -> tuple[ModelPT, bool]:
    """The restored model, and whether restoring drew random numbers (built initialised)."""
    before = torch.get_rng_state()
    restored = ModelPT.restore_from(path, map_location="cpu", **kwargs)
    return restored, not torch.equal(before, torch.get_rng_state())


def saved(model: ModelPT, path: Path) -> Path:
    model.save_to(path)
    return path


def same_state(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    left, right = a.state_dict(), b.state_dict()
    return list(left) == list(right) and all(torch.equal(left[k], right[k]) for k in left)


class TestInitSkipping:
    def test_a_plain_model_is_restored_without_drawing_random_numbers(self, tmp_path: Path) -> None:
        model = ShiftedInitModel(model_config(None))
        restored, drew = restore(saved(model, tmp_path / "m.nemo"))
        assert not drew
        assert same_state(restored, model)
        assert torch.equal(restored.window, torch.hann_window(16))  # computed, not loaded

    def test_missing_keys_under_strict_false_get_their_initialisation(self, tmp_path: Path) -> None:
        path = saved(ArtifactModel(model_config(None)), tmp_path / "m.nemo")
        config = ModelPT.restore_from(path, return_config=True)
        config.target = "core_archive_models.ShiftedInitModel"  # adds extra.weight, scale
        with pytest.warns(UserWarning, match="extra.weight"):
            restored, drew = restore(path, override_config_path=config, strict=False)
        assert drew  # built as usual: extra.weight is not in the archive
        assert abs(float(restored.extra.weight.detach().mean()) - 5.0) < 0.1
        assert torch.equal(restored.scale, torch.full((3,), 2.0))

    def test_a_customised_loader_gets_initialised_missing_keys(self, tmp_path: Path) -> None:
        path = saved(ArtifactModel(model_config(None)), tmp_path / "m.nemo")
        config = ModelPT.restore_from(path, return_config=True)
        config.target = "core_archive_models.ChunkRecordingModel"  # overrides load_state_dict
        torch.manual_seed(3)
        with pytest.warns(UserWarning, match="blocks.0.weight"):
            restored, drew = restore(path, override_config_path=config, strict=False)
        assert drew
        torch.manual_seed(3)
        expected = ModelPT.from_config_dict(config)  # a plain build, as NeMo's restore does
        assert torch.equal(restored.blocks[3].weight, expected.blocks[3].weight)

    def test_a_non_persistent_buffer_drawn_at_random_is_initialised(self, tmp_path: Path) -> None:
        path = saved(RandomBufferModel(model_config(None)), tmp_path / "m.nemo")
        restored, drew = restore(path)
        assert drew
        rotation = restored.rotation
        assert torch.allclose(rotation @ rotation.T, torch.eye(8), atol=1e-5)

    def test_initial_values_read_while_building_are_the_initialised_ones(
        self, tmp_path: Path
    ) -> None:
        path = saved(ReadingModel(model_config(None)), tmp_path / "m.nemo")
        restored, drew = restore(path)
        assert drew
        assert 0 < restored.initial_bound <= 1 / math.sqrt(10)  # Linear(10, 1)'s bound

    def test_parameters_computed_from_the_initial_weights_are_loaded(self, tmp_path: Path) -> None:
        model = WeightNormModel(model_config(None))
        restored, drew = restore(saved(model, tmp_path / "m.nemo"))
        assert not drew  # both weight-norm parameters come from the archive
        x = torch.randn(2, 6)
        assert torch.equal(restored.normed(x), model.normed(x))

    def test_weights_cast_to_another_dtype_as_they_are_loaded(self, tmp_path: Path) -> None:
        path = saved(ArtifactModel(model_config(None)), tmp_path / "m.nemo")
        config = ModelPT.restore_from(path, return_config=True)
        config.target = "core_archive_models.DoubleModel"
        restored, drew = restore(path, override_config_path=config)
        assert not drew
        original = ArtifactModel.restore_from(path, map_location="cpu")
        assert restored.w.weight.dtype == torch.float64
        assert torch.equal(restored.w.weight, original.w.weight.double())

    def test_other_threads_initialise_as_usual(self) -> None:
        built: list[torch.nn.Linear] = []
        torch.manual_seed(7)
        with InitSkipping() as skipping:
            thread = threading.Thread(target=lambda: built.append(torch.nn.Linear(4, 4)))
            thread.start()
            thread.join()
        torch.manual_seed(7)
        assert torch.equal(built[0].weight, torch.nn.Linear(4, 4).weight)
        assert skipping.skipped == 0

    def test_what_escapes_and_what_is_shown_overwritten(self) -> None:
        with InitSkipping() as skipping:
            layer = torch.nn.Linear(3, 2)
            _ = layer.weight.shape, layer.weight.dtype, layer.weight.is_contiguous()
            doubled = layer.weight * 2  # pending too: computed from a pending value
        assert skipping.skipped == 2 and skipping.escape is None
        stored = dict(layer.state_dict())
        assert skipping.overwritten_by(load_targets(layer), stored) is None  # doubled is alive
        assert "outside the state dict" in str(skipping.reason)
        del doubled
        assert skipping.overwritten_by(load_targets(layer), stored) == {"weight", "bias"}
        assert skipping.overwritten_by(load_targets(layer), {"weight": stored["weight"]}) is None
        assert "bias" in str(skipping.reason)
        with InitSkipping() as escaping:
            bound = torch.nn.Linear(3, 2).weight.max().tolist()
        assert escaping.escape == "tolist()" and isinstance(bound, float)


class TestLoadTargets:
    def test_torch_s_own_loading_is_known_in_advance(self) -> None:
        model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2))
        targets = load_targets(model)
        assert targets is not None and list(targets) == list(model.state_dict())
        assert targets["0.weight"] is model[0].weight

    def test_customised_loading_is_not_assumed(self) -> None:
        hooked = torch.nn.Linear(2, 2)
        hooked._register_load_state_dict_pre_hook(lambda *args: None)
        assert load_targets(hooked) is None
        assert load_targets(ChunkRecording()) is None


class ChunkRecording(torch.nn.Linear):
    def __init__(self) -> None:
        super().__init__(2, 2)

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> Any:
        return super().load_state_dict(state_dict, strict=strict, assign=assign)


class TestReadingInPlace:
    def test_tied_weights_saved_untied_load_as_load_state_dict_does(self, tmp_path: Path) -> None:
        untied = UntiedModel(model_config(None))
        path = saved(untied, tmp_path / "m.nemo")
        config = ModelPT.restore_from(path, return_config=True)
        config.target = "core_archive_models.TiedModel"
        restored, _ = restore(path, override_config_path=config)
        reference = TiedModel(model_config(None))
        reference.load_state_dict(untied.state_dict())  # the later key wins, as it copies last
        assert restored.v.weight is restored.w.weight
        assert torch.equal(restored.w.weight, reference.w.weight)

    @pytest.mark.parametrize("cls", [BigModel, BigCustomModel])
    def test_big_tensors_read_in_pieces(self, cls: type[BigModel], tmp_path: Path) -> None:
        model = cls(model_config(None))
        restored, _ = restore(saved(model, tmp_path / "m.nemo"))
        assert type(restored) is cls
        assert same_state(restored, model)

    def test_a_member_ending_early_is_reported_from_any_thread(self, tmp_path: Path) -> None:
        path = tmp_path / "short.bin"
        path.write_bytes(bytes(40 * 2**20))
        target = torch.empty(48 * 2**20, dtype=torch.uint8)
        with (
            MemberView(path, 0, 48 * 2**20, "short.bin:weights") as view,
            Filler(view) as filler,
            pytest.raises(NemoArchiveError, match="truncated"),
        ):
            filler.fill(target, 0)


class TestSaving:
    def test_the_weights_zip_has_valid_crcs(self, tmp_path: Path) -> None:
        model = TiedModel(model_config(None))
        path = saved(model, tmp_path / "m.nemo")
        with tarfile.open(path) as archive:
            member = archive.extractfile("./model_weights.ckpt")
            assert member is not None
            weights = member.read()
        with zipfile.ZipFile(io.BytesIO(weights)) as inner:
            assert inner.testzip() is None  # every record's CRC-32 checked
            assert len(inner.infolist()) > 4
        loaded = torch.load(io.BytesIO(weights), weights_only=True)
        assert all(torch.equal(loaded[k], v) for k, v in model.state_dict().items())

    def test_saving_over_an_archive_replaces_it_and_releases_the_old_one(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "m.nemo"
        first = ArtifactModel(model_config(None))
        saved(first, path)
        with path.open("rb") as reader:  # a reader of the old file keeps reading it
            second = ArtifactModel(model_config(None))
            saved(second, path)
            assert reader.read(512)[:2] == b"./"
        for thread in threading.enumerate():
            if thread.name == "nemo-save-release":
                thread.join()
        restored, _ = restore(path)
        assert same_state(restored, second)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["m.nemo"]
