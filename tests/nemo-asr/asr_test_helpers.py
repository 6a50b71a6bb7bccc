"""Shared data and small models of nemo-asr's model tests.

The fixture in data/nemo3_qn_small/ was made by NVIDIA NeMo 3.0 (see its README.txt): a small
QuartzNet trained on synthetic spoken commands, four wavs, and NeMo's intermediate arrays.
"""

from __future__ import annotations

import copy
import io
import json
import tarfile
from functools import cache
from pathlib import Path
from typing import Any

import soundfile as sf
import torch
from asr_data_helpers import LABELS, write_manifest
from omegaconf import DictConfig, OmegaConf

FIXTURE = Path(__file__).resolve().parent / "data" / "nemo3_qn_small"
FIXTURE_NEMO = FIXTURE / "model.nemo"
WAVS = [FIXTURE / f"utt{i}.wav" for i in range(4)]


@cache
def expected() -> dict[str, Any]:
    return json.loads((FIXTURE / "expected.json").read_text())


def read_wav(path: Path) -> torch.Tensor:
    samples, _ = sf.read(str(path), dtype="float32")
    return torch.from_numpy(samples)


@cache
def _fixture_archive() -> tuple[str, bytes]:
    """The archive's config (YAML text) and weights (bytes), read directly from the tar."""
    with tarfile.open(FIXTURE_NEMO, "r:") as archive:
        members = {Path(m.name).name: m for m in archive.getmembers() if m.isfile()}
        config = archive.extractfile(members["model_config.yaml"]).read().decode()  # type: ignore[union-attr]
        weights = archive.extractfile(members["model_weights.ckpt"]).read()  # type: ignore[union-attr]
    return config, weights


def fixture_config() -> DictConfig:
    return OmegaConf.create(_fixture_archive()[0])


def fixture_state_dict() -> dict[str, torch.Tensor]:
    return torch.load(io.BytesIO(_fixture_archive()[1]), map_location="cpu")


def load_fixture_model() -> Any:
    """The fixture's model, built from its config and weights without the archive reader.

    The data sets of the config are the training run's (their manifests are not here), so
    they are left out, as restoring does.
    """
    from nemo.collections.asr.models import EncDecCTCModel

    config = fixture_config()
    for key in ("train_ds", "validation_ds", "test_ds"):
        config.pop(key, None)
    model = EncDecCTCModel(cfg=config)
    model.load_state_dict(fixture_state_dict(), strict=True)
    model.eval()
    model.preprocessor.featurizer.dither = 0.0
    return model


def tiny_config(**overrides: Any) -> DictConfig:
    """NeMo's unit-test CTC model: one separable squeeze-excite block 64 → 1024, 28 labels.

    Written with Hydra 0.x keys (``cls`` + ``params``), as NeMo's own test writes it.
    """
    config = {
        "preprocessor": {
            "cls": "nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor",
            "params": {},
        },
        "encoder": {
            "cls": "nemo.collections.asr.modules.ConvASREncoder",
            "params": {
                "feat_in": 64,
                "activation": "relu",
                "conv_mask": True,
                "jasper": [
                    {
                        "filters": 1024,
                        "repeat": 1,
                        "kernel": [1],
                        "stride": [1],
                        "dilation": [1],
                        "dropout": 0.0,
                        "residual": False,
                        "separable": True,
                        "se": True,
                        "se_context_size": -1,
                    }
                ],
            },
        },
        "decoder": {
            "cls": "nemo.collections.asr.modules.ConvASRDecoder",
            "params": {"feat_in": 1024, "num_classes": 28, "vocabulary": list(LABELS)},
        },
    }
    config.update(copy.deepcopy(overrides))
    return OmegaConf.create(config)


def small_trainable_config(labels: list[str] | None = None) -> dict[str, Any]:
    """A QuartzNet-like model small enough to train a few steps in seconds."""
    labels = list(LABELS if labels is None else labels)
    block = {"repeat": 1, "dilation": [1], "dropout": 0.0, "separable": True}
    return {
        "sample_rate": 16000,
        "labels": labels,
        "preprocessor": {
            "_target_": "nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor",
            "features": 32,
            "n_fft": 512,
            "dither": 1e-5,
        },
        "encoder": {
            "_target_": "nemo.collections.asr.modules.ConvASREncoder",
            "feat_in": 32,
            "activation": "relu",
            "jasper": [
                {**block, "filters": 64, "kernel": [11], "stride": [2], "residual": False},
                {**block, "filters": 64, "kernel": [11], "stride": [1], "residual": True},
            ],
        },
        "decoder": {
            "_target_": "nemo.collections.asr.modules.ConvASRDecoder",
            "feat_in": None,
            "num_classes": -1,
            "vocabulary": labels,
        },
    }


def augmented_training_config(manifest: Path, **train_ds: Any) -> DictConfig:
    """``small_trainable_config`` with SpecAugment, waveform augmentation, shuffled training
    batches of the manifest (``train_ds`` adds or replaces loader keys) and Adam."""
    config = OmegaConf.create(small_trainable_config())
    config.spec_augment = {
        "_target_": "nemo.collections.asr.modules.SpectrogramAugmentation",
        "freq_masks": 2,
        "time_masks": 2,
        "freq_width": 8,
        "time_width": 0.1,
    }
    config.train_ds = {
        "manifest_filepath": str(manifest),
        "batch_size": 2,
        "shuffle": True,
        "augmentor": {"speed": {"prob": 0.5}, "white_noise": {"prob": 0.5}},
        **train_ds,
    }
    config.optim = {"name": "adam", "lr": 0.01}
    return config


def write_fixture_manifest(path: Path, texts: list[str] | None = None) -> Path:
    """A manifest of the fixture's four wavs with their reference transcripts."""
    refs = expected()
    return write_manifest(
        path,
        [
            {
                "audio_filepath": str(wav),
                "duration": refs[wav.name]["samples"] / 16000,
                "text": refs[wav.name]["reference_text"] if texts is None else texts[index],
            }
            for index, wav in enumerate(WAVS)
        ],
    )


def log_probs(model: Any, samples: torch.Tensor) -> torch.Tensor:
    """The model's log-probs (1, T', classes) of one utterance, without gradients."""
    lengths = torch.tensor([len(samples)])
    with torch.no_grad():
        return model(input_signal=samples[None], input_signal_length=lengths)[0]
