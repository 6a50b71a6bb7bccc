"""Tiny TTS models built from the example configs, and a few corpus utterances to feed them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "examples" / "tts" / "conf"
CORPUS = ROOT / "data" / "tts_commands"


def small_manifest(tmp_path: Path, count: int = 8, split: str = "train") -> Path:
    """The first ``count`` lines of a corpus split, with absolute audio paths."""
    lines = (CORPUS / f"{split}_manifest.json").read_text().splitlines()[:count]
    out = tmp_path / f"{split}_{count}.json"
    rows = []
    for line in lines:
        row = json.loads(line)
        row["audio_filepath"] = str(CORPUS / row["audio_filepath"])
        rows.append(json.dumps(row))
    out.write_text("\n".join(rows) + "\n")
    return out


def model_config(name: str, manifest: Path | None, **overrides: Any) -> DictConfig:
    """``examples/tts/conf/<name>.yaml``'s model section, resolved, shrunk for tests."""
    full = OmegaConf.load(CONF / f"{name}.yaml")
    cfg = OmegaConf.create(OmegaConf.to_container(full, resolve=True))
    model = cfg.model
    if manifest is None:
        model.train_ds = None
        model.validation_ds = None
    else:
        model.train_ds.dataset.manifest_filepath = str(manifest)
        model.validation_ds.dataset.manifest_filepath = str(manifest)
        model.train_ds.dataloader_params.batch_size = 4
        model.validation_ds.dataloader_params.batch_size = 4
    if name == "fastpitch":
        for key in ("input_fft", "output_fft"):
            model[key].update(n_layer=1, d_model=32, d_inner=64, n_head=2)
        model.input_fft.d_embed = 32
        model.symbols_embedding_dim = 32
        model.alignment_module.n_text_channels = 32
        for key in ("duration_predictor", "pitch_predictor"):
            model[key].update(input_size=32, filter_size=32)
        model.pitch_mean, model.pitch_std = 100.0, 20.0
    if name == "hifigan":
        model.generator.upsample_initial_channel = 32
        model.discriminator_max_channels = 32
        if manifest is not None:
            model.train_ds.dataset.n_segments = 2048
    for key, value in overrides.items():
        OmegaConf.update(model, key, value)
    return model
