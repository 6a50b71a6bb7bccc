"""FastPitch, HiFi-GAN and Griffin-Lim: tiny models trained on real corpus audio."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytorch_lightning as pl
import soundfile as sf
import torch
from tts_test_helpers import CORPUS, model_config, small_manifest

from nemo.collections.tts._synthesize import synthesize
from nemo.collections.tts.models import (
    FastPitchModel,
    GriffinLimModel,
    HifiGanModel,
    SpectrogramGenerator,
    Vocoder,
)
from nemo.core.audio.manifest import ManifestError
from nemo.core.classes import ModelPT


def _trainer(steps: int) -> pl.Trainer:
    return pl.Trainer(
        max_steps=steps,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        limit_val_batches=0,
    )


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_manifest(tmp_path_factory.mktemp("tts"), count=8)


@pytest.fixture(scope="module")
def fastpitch(manifest: Path) -> FastPitchModel:
    pl.seed_everything(0)
    model = FastPitchModel(model_config("fastpitch", manifest, **{"optim.sched": None}))
    _trainer(12).fit(model)
    return model.eval()


def _mel_loss(model: FastPitchModel) -> float:
    batch = next(iter(model._train_dl))
    with torch.no_grad():
        losses, _ = model._losses(batch)
    return float(losses["mel_loss"])


def test_fastpitch_learns(manifest: Path) -> None:
    pl.seed_everything(0)
    cfg = model_config("fastpitch", manifest, **{"optim.sched": None, "optim.lr": 5e-3})
    model = FastPitchModel(cfg)
    before = _mel_loss(model)
    _trainer(20).fit(model)
    assert _mel_loss(model) < 0.5 * before


def test_fastpitch_measures_pitch_statistics_when_null(manifest: Path) -> None:
    cfg = model_config("fastpitch", manifest, pitch_mean=None, pitch_std=None)
    model = FastPitchModel(cfg)
    assert 70 < model.cfg.pitch_mean < 160 and 3 < model.cfg.pitch_std < 60


def test_fastpitch_contract_and_round_trip(fastpitch: FastPitchModel, tmp_path: Path) -> None:
    assert isinstance(fastpitch, SpectrogramGenerator)
    tokens = fastpitch.parse("Turn on the 2nd light")
    assert fastpitch.text_frontend.tokenizer.ids_to_text(tokens[0].tolist()) == (
        "turn on the second light"
    )
    spect = fastpitch.generate_spectrogram(tokens=tokens)
    assert spect.shape[:2] == (1, 80) and spect.shape[2] >= tokens.shape[1]
    path = tmp_path / "fastpitch.nemo"
    fastpitch.save_to(path)
    restored = ModelPT.restore_from(path, map_location="cpu")
    assert isinstance(restored, FastPitchModel)
    assert restored.cfg.pitch_mean == fastpitch.cfg.pitch_mean
    assert torch.equal(restored.generate_spectrogram(tokens=tokens), spect)


def test_pace_changes_the_length(fastpitch: FastPitchModel) -> None:
    tokens = fastpitch.parse("turn the kitchen light on")
    _, normal = fastpitch.generate_spectrogram_with_lengths(tokens)
    _, slow = fastpitch.generate_spectrogram_with_lengths(tokens, pace=0.5)
    assert int(slow) >= 2 * int(normal) - tokens.shape[1]
    with pytest.raises(ValueError, match="pace must be > 0"):
        fastpitch.generate_spectrogram_with_lengths(tokens, pace=0)


@pytest.mark.parametrize("text", ["", "   ", "👋 ✓"])
def test_empty_text_is_a_clear_error(fastpitch: FastPitchModel, text: str) -> None:
    with pytest.raises(ValueError, match="nothing to synthesize"):
        fastpitch.parse(text)


def test_manifest_line_with_unspeakable_text_names_file_and_line(tmp_path: Path) -> None:
    manifest = small_manifest(tmp_path, count=3)
    lines = manifest.read_text().splitlines()
    lines[1] = lines[1].replace('"text": "', '"text": "👋 ').split('"text": "')[0] + (
        '"text": "👋", "duration": 1.0}'
    )
    manifest.write_text("\n".join(lines) + "\n")
    with pytest.raises(ManifestError, match=rf"{manifest.name}:2: the text is empty"):
        FastPitchModel(model_config("fastpitch", manifest))


def _griffin_lim() -> GriffinLimModel:
    cfg = model_config("fastpitch", None)
    return GriffinLimModel({"preprocessor": cfg.preprocessor, "n_iters": 32})


def test_griffin_lim_reconstructs_real_speech() -> None:
    """Mel of real speech → Griffin-Lim → mel again: the spectral shape survives."""
    vocoder = _griffin_lim()
    audio, _ = sf.read(CORPUS / "audio/test/test_00000.flac", dtype="float32")
    signal = torch.from_numpy(audio)[None]
    mel, lens = vocoder.preprocessor(input_signal=signal, length=torch.tensor([len(audio)]))
    mel = mel[:, :, : int(lens[0])]
    rebuilt = vocoder.convert_spectrogram_to_audio(spec=mel)
    again, _ = vocoder.preprocessor(input_signal=rebuilt, length=torch.tensor([rebuilt.shape[1]]))
    again = again[:, :, : mel.shape[2]]
    speech = mel > -6  # the bins that carry energy
    assert (again - mel)[speech].abs().mean() < 0.6
    noise = vocoder.convert_spectrogram_to_audio(spec=torch.full_like(mel, -11.5))
    assert noise.abs().max() < 1e-3  # silence in, silence out


@pytest.mark.parametrize("vocoder_name", ["griffin_lim", "hifigan"])
def test_vocoders_refuse_the_wrong_number_of_mel_bins(vocoder_name: str) -> None:
    vocoder: Vocoder = (
        _griffin_lim()
        if vocoder_name == "griffin_lim"
        else HifiGanModel(model_config("hifigan", None))
    )
    with pytest.raises(ValueError, match="trained on 80 mel bins but the spectrogram has 64"):
        vocoder.convert_spectrogram_to_audio(spec=torch.zeros(1, 64, 10))


def test_hifigan_trains_and_restores(manifest: Path, tmp_path: Path) -> None:
    pl.seed_everything(0)
    model = HifiGanModel(model_config("hifigan", manifest))
    mel = torch.randn(1, 80, 12) - 6
    untrained = model.convert_spectrogram_to_audio(spec=mel)
    _trainer(3).fit(model)
    trained = model.convert_spectrogram_to_audio(spec=mel)
    assert trained.shape == (1, 12 * 256) and not torch.equal(trained, untrained)
    path = tmp_path / "hifigan.nemo"
    model.save_to(path)
    restored = ModelPT.restore_from(path, map_location="cpu")
    assert torch.equal(restored.convert_spectrogram_to_audio(spec=mel), trained)


def test_hifigan_refuses_a_generator_that_does_not_match_the_hop() -> None:
    cfg = model_config("hifigan", None, **{"generator.upsample_rates": [8, 8, 2, 1]})
    with pytest.raises(ValueError, match="upsamples by 128 .* the mel hop is 256"):
        HifiGanModel(cfg)


def test_synthesize_crops_each_waveform_to_its_own_length(fastpitch: FastPitchModel) -> None:
    vocoder = _griffin_lim()
    texts = ["lights on", "turn the kitchen light on and close the door"]
    batched = synthesize(texts, fastpitch, vocoder, batch_size=2)
    alone = [synthesize([text], fastpitch, vocoder)[0] for text in texts]
    assert [len(a) for a in batched] == [len(a) for a in alone]
    assert len(batched[0]) < len(batched[1])


def test_synthesize_refuses_a_mismatched_pair(fastpitch: FastPitchModel) -> None:
    cfg = model_config("fastpitch", None)
    cfg.preprocessor.features = 64
    vocoder = GriffinLimModel({"preprocessor": cfg.preprocessor})
    with pytest.raises(ValueError, match="makes 80 mel bins at hop 256 but the vocoder expects 64"):
        synthesize(["hello"], fastpitch, vocoder)
