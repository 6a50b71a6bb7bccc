"""ModelPT and NeuralModule: configs, data sets, epoch ends, artifacts and freezing."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import torch
from core_test_models import LinearModule, TinyRegression, tiny_config
from omegaconf import DictConfig, OmegaConf

from nemo.core.classes import Dataset, ModelPT, NeuralModule, typecheck
from nemo.core.neural_types import LengthsType, NeuralType


@dataclasses.dataclass
class Net:
    _target_: str = "core_test_models.LinearModule"
    n_in: int = 4


@dataclasses.dataclass
class Config:
    net: Net = dataclasses.field(default_factory=Net)


class TestConstruction:
    def test_config_from_dict_dataclass_and_dictconfig(self) -> None:
        for config in (tiny_config(), OmegaConf.create(tiny_config()), Config(), Config):
            model = TinyRegression(config)
            assert isinstance(model.cfg, DictConfig)
            assert model.cfg.target == "core_test_models.TinyRegression"
            assert model.num_weights == 5

    def test_config_is_resolved_and_in_struct_mode(self) -> None:
        model = TinyRegression({**tiny_config(), "width": 4, "alias": "${width}"})
        assert model.cfg.alias == 4
        with pytest.raises(Exception, match="typo"):
            _ = model.cfg.typo

    def test_trainer_must_be_a_lightning_trainer(self) -> None:
        with pytest.raises(ValueError, match="pytorch_lightning.Trainer"):
            TinyRegression(tiny_config(), trainer="cpu")  # type: ignore[arg-type]

    def test_bad_config_type(self) -> None:
        with pytest.raises(ValueError, match="got int"):
            TinyRegression(3)

    def test_hparams_hold_the_config(self) -> None:
        model = TinyRegression(tiny_config())
        assert model.hparams["cfg"]["net"]["n_in"] == 4

    def test_abstract_model_cannot_be_built(self) -> None:
        with pytest.raises(TypeError, match="abstract"):
            ModelPT(tiny_config())  # type: ignore[abstract]


class TestSerialization:
    def test_hydra0_config_is_upgraded(self) -> None:
        module = LinearModule.from_config_dict(
            {"cls": "core_test_models.LinearModule", "params": {"n_in": 3, "n_out": 2}}
        )
        assert module.lin.in_features == 3
        config = module.to_config_dict()
        assert config._target_ == "core_test_models.LinearModule"
        assert "cls" not in config and "params" not in config

    def test_module_built_in_python_describes_itself(self) -> None:
        config = LinearModule(n_in=6).to_config_dict()
        assert OmegaConf.to_container(config) == {
            "_target_": "core_test_models.LinearModule",
            "n_in": 6,
        }
        rebuilt = NeuralModule.from_config_dict(config)
        assert isinstance(rebuilt, LinearModule) and rebuilt.lin.in_features == 6

    def test_target_picks_the_class(self) -> None:
        class Child(TinyRegression):
            pass

        config = {**tiny_config(), "target": "core_test_models.TinyRegression"}
        assert type(ModelPT.from_config_dict(config)) is TinyRegression
        assert type(TinyRegression.from_config_dict(config)) is TinyRegression
        assert type(Child.from_config_dict(config)) is Child  # a subclass restoring its parent

    def test_unknown_target_class_is_a_clear_error(self) -> None:
        config = {**tiny_config(), "target": "nemo.collections.asr.models.EncDecFooModel"}
        with pytest.raises(ValueError, match="EncDecFooModel.*cannot be imported"):
            ModelPT.from_config_dict(config)

    def test_bad_target_in_module_config(self) -> None:
        with pytest.raises(ValueError, match="_target_='no_such.Module'"):
            NeuralModule.from_config_dict({"_target_": "no_such.Module"})

    def test_config_file_round_trip(self, tmp_path: Path) -> None:
        model = TinyRegression(tiny_config())
        model.to_config_file(tmp_path / "model.yaml")
        again = TinyRegression.from_config_file(tmp_path / "model.yaml")
        assert again.num_weights == model.num_weights
        assert not torch.equal(again.net.lin.weight, model.net.lin.weight)  # fresh weights


class TestTraining:
    def test_fit_logs_training_step_log_dict_and_learns(self, quiet_trainer: Any) -> None:
        config = tiny_config(
            train_ds={"batch_size": 8, "num_samples": 64},
            validation_ds={"batch_size": 16},
        )
        run = quiet_trainer(max_epochs=4)
        model = TinyRegression(config, trainer=run)
        model.configure_optimizers = lambda: torch.optim.SGD(model.parameters(), lr=0.1)  # type: ignore[method-assign]
        run.fit(model)
        metrics = run.callback_metrics
        assert {"train_loss", "val_loss"} <= set(metrics)
        assert float(metrics["val_loss"]) < 0.05

    def test_several_validation_sets_are_named_from_their_files(
        self, tmp_path: Path, quiet_trainer: Any
    ) -> None:
        names = ["an4_val_manifest.json", "other-dev.json"]
        for name in names:
            (tmp_path / name).write_text("{}\n")
        config = tiny_config(
            validation_ds={
                "manifest_filepath": [str(tmp_path / n) for n in names],
                "batch_size": 16,
                "val_dl_idx": 1,
            }
        )
        model = TinyRegression(config)
        assert isinstance(model.val_dataloader(), list) and len(model.val_dataloader()) == 2
        assert model.get_validation_dataloader_prefix(0) == "an4_val_"
        assert model.get_validation_dataloader_prefix(1) == "other_dev_"
        run = quiet_trainer()
        run.validate(model)
        logged = set(run.callback_metrics)
        # per-loader prefixes, plus the unprefixed metric of loader val_dl_idx=1
        assert {"an4_val_val_loss", "other_dev_val_loss", "val_loss"} <= logged
        assert float(run.callback_metrics["val_loss"]) == pytest.approx(
            float(run.callback_metrics["other_dev_val_loss"])
        )
        # the user's config keeps its list
        assert len(model.cfg.validation_ds.manifest_filepath) == 2

    def test_loaders_without_file_names_are_numbered(self) -> None:
        model = TinyRegression(tiny_config())
        model._validation_dl = [model._train_dl, model._train_dl]
        assert model.get_validation_dataloader_prefix(1) == "val_1_"

    def test_test_set_and_prepare_test(self, quiet_trainer: Any) -> None:
        model = TinyRegression(tiny_config(test_ds={"batch_size": 16}))
        run = quiet_trainer()
        assert model.prepare_test(run)
        run.test(model)
        assert "test_loss" in run.callback_metrics
        assert not TinyRegression(tiny_config()).prepare_test(run)

    def test_update_dataset_config(self) -> None:
        model = TinyRegression(tiny_config())
        model._update_dataset_config("train", {"batch_size": 3})
        assert model.cfg.train_ds.batch_size == 3
        assert model.hparams["cfg"]["train_ds"]["batch_size"] == 3
        with pytest.raises(ValueError, match="'train', 'validation' or 'test'"):
            model._update_dataset_config("dev", {})

    def test_summarize(self) -> None:
        summary = TinyRegression(tiny_config()).summarize()
        assert summary.total_parameters == 5


class TestArtifacts:
    def test_local_file_is_registered_and_written_into_the_config(self, tmp_path: Path) -> None:
        vocab = tmp_path / "vocab.txt"
        vocab.write_text("a\nb\n")
        model = TinyRegression(tiny_config())
        path = model.register_artifact("tokenizer.vocab", str(vocab))
        assert path == str(vocab.resolve())
        assert model.cfg.tokenizer.vocab == str(vocab.resolve())
        assert model.artifacts["tokenizer.vocab"].path_type.name == "LOCAL_PATH"

    def test_missing_file(self, tmp_path: Path) -> None:
        model = TinyRegression(tiny_config())
        with pytest.raises(FileNotFoundError, match="'tokenizer.vocab'"):
            model.register_artifact("tokenizer.vocab", str(tmp_path / "nope.txt"))
        assert model.register_artifact("x", str(tmp_path / "nope"), verify_src_exists=False) is None
        assert model.register_artifact("x", None) is None


class TestNeuralModule:
    def test_freeze_unfreeze_and_num_weights(self) -> None:
        module = LinearModule(n_in=3, n_out=2)
        assert module.num_weights == 8
        module.freeze()
        assert module.num_weights == 0 and not module.training
        module.unfreeze()
        assert module.num_weights == 8 and module.training

    def test_as_frozen_restores_a_partly_frozen_state(self) -> None:
        module = LinearModule()
        module.lin.bias.requires_grad = False
        module.eval()
        with module.as_frozen():
            assert module.num_weights == 0
        assert module.lin.weight.requires_grad and not module.lin.bias.requires_grad
        assert not module.training


class TestDataset:
    def test_collate_attaches_output_types(self) -> None:
        class Lengths(Dataset):
            @property
            def output_types(self) -> dict[str, NeuralType]:
                return {"lengths": NeuralType(("B",), LengthsType())}

            def __len__(self) -> int:
                return 4

            def __getitem__(self, index: int) -> torch.Tensor:
                return torch.tensor(index)

        batch = Lengths().collate_fn([torch.tensor(1), torch.tensor(2)])
        assert batch.tolist() == [1, 2]
        assert batch.neural_type == NeuralType(("B",), LengthsType())

    def test_datasets_declare_no_input_types(self) -> None:
        class Wrong(Dataset):
            @property
            def input_types(self) -> dict[str, NeuralType]:
                return {"x": NeuralType(("B",), LengthsType())}

        with typecheck.disable_checks(), pytest.raises(TypeError, match="output_types only"):
            Wrong().collate_fn([torch.tensor(1)])


def test_load_from_checkpoint_does_not_build_data_sets(tmp_path: Path, quiet_trainer: Any) -> None:
    config = tiny_config(train_ds={"batch_size": 8})
    run = quiet_trainer(max_steps=2)
    model = TinyRegression(config, trainer=run)
    model.configure_optimizers = lambda: torch.optim.SGD(model.parameters(), lr=0.1)  # type: ignore[method-assign]
    run.fit(model)
    run.save_checkpoint(tmp_path / "last.ckpt")
    loaded = TinyRegression.load_from_checkpoint(tmp_path / "last.ckpt")
    assert loaded._train_dl is None
    with pytest.raises(RuntimeError, match="no training data: set model.train_ds"):
        loaded.train_dataloader()
    assert torch.equal(loaded.net.lin.weight, model.net.lin.weight)
