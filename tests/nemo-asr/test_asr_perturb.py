"""Waveform augmentation: each perturbation's effect, probabilities, seeding, YAML configs."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest
import torch
from asr_data_helpers import tone, write_audio, write_manifest
from omegaconf import OmegaConf

from nemo.collections.asr.parts.preprocessing.perturb import (
    AudioAugmentor,
    GainPerturbation,
    ImpulsePerturbation,
    NoisePerturbation,
    Perturbation,
    ShiftPerturbation,
    SpeedPerturbation,
    WhiteNoisePerturbation,
    perturbation_types,
    process_augmentations,
    register_perturbation,
)
from nemo.collections.asr.parts.preprocessing.segment import AudioSegment


def speech_like(seconds: float = 1.0) -> AudioSegment:
    return AudioSegment(tone(seconds, 300.0, amplitude=0.3), 16000)


def test_gain_changes_the_level_within_its_range() -> None:
    segment = speech_like()
    before = segment.rms_db
    GainPerturbation(min_gain_dbfs=-6, max_gain_dbfs=-6, rng=1).perturb(segment)
    assert abs(segment.rms_db - (before - 6)) < 1e-4
    levels = []
    for seed in range(20):
        segment = speech_like()
        GainPerturbation(-10, 10, rng=seed).perturb(segment)
        levels.append(segment.rms_db - before)
    assert all(-10 - 1e-4 <= level <= 10 + 1e-4 for level in levels)
    assert max(levels) - min(levels) > 5


def test_white_noise_at_an_snr() -> None:
    segment = speech_like()
    clean = segment.samples.clone()
    WhiteNoisePerturbation(min_snr_db=20, max_snr_db=20, rng=3).perturb(segment)
    noise = segment.samples - clean
    snr = 10 * math.log10(float(clean.double().pow(2).mean() / noise.double().pow(2).mean()))
    assert abs(snr - 20) < 0.3


def test_white_noise_at_nemo_absolute_levels() -> None:
    segment = AudioSegment(torch.zeros(16000), 16000)
    WhiteNoisePerturbation(min_level=-40, max_level=-40, rng=0).perturb(segment)
    assert abs(segment.rms_db - (-40)) < 0.3
    with pytest.raises(ValueError, match="both min_snr_db and max_snr_db"):
        WhiteNoisePerturbation(min_snr_db=10)


def test_shift_moves_audio_and_fills_with_zeros() -> None:
    samples = torch.arange(1, 1601, dtype=torch.float32)
    segment = AudioSegment(samples.clone(), 16000)
    ShiftPerturbation(min_shift_ms=10, max_shift_ms=10).perturb(segment)  # 160 samples earlier
    assert torch.equal(segment.samples[:-160], samples[160:])
    assert torch.equal(segment.samples[-160:], torch.zeros(160))
    segment = AudioSegment(samples.clone(), 16000)
    ShiftPerturbation(min_shift_ms=-10, max_shift_ms=-10).perturb(segment)
    assert torch.equal(segment.samples[160:], samples[:-160])
    segment = AudioSegment(samples.clone(), 16000)
    ShiftPerturbation(min_shift_ms=500, max_shift_ms=500).perturb(segment)  # longer: skipped
    assert torch.equal(segment.samples, samples)


@pytest.mark.parametrize("rate", [0.9, 1.1])
def test_speed_changes_duration_and_pitch(rate: float) -> None:
    segment = AudioSegment(tone(1.0, 400.0), 16000)
    SpeedPerturbation(16000, min_speed_rate=rate, max_speed_rate=rate, num_rates=1).perturb(segment)
    assert abs(segment.num_samples - 16000 / rate) <= 1
    spectrum = torch.fft.rfft(segment.samples * torch.hann_window(segment.num_samples))
    peak_hz = int(spectrum.abs().argmax()) * 16000 / segment.num_samples
    assert abs(peak_hz - 400 * rate) < 3


def test_speed_picks_among_num_rates() -> None:
    lengths = set()
    perturbation = SpeedPerturbation(min_speed_rate=0.9, max_speed_rate=1.1, num_rates=3, rng=0)
    for _ in range(30):
        segment = AudioSegment(torch.zeros(1000), 16000)
        perturbation.perturb(segment)
        lengths.add(segment.num_samples)
    assert lengths == {1112, 1000, 910}
    assert perturbation.max_augmentation_length(9.0) == pytest.approx(10.0)
    with pytest.raises(ValueError, match="min_speed_rate=1.2 is larger than max_speed_rate=1.1"):
        SpeedPerturbation(min_speed_rate=1.2, max_speed_rate=1.1)
    with pytest.raises(ValueError, match="min_speed_rate must be > 0.0"):
        SpeedPerturbation(min_speed_rate=0.0)


def _noise_manifest(tmp_path: Path, seconds: float) -> Path:
    noise = np.random.default_rng(0).standard_normal(round(16000 * seconds)).astype(np.float32)
    path = write_audio(tmp_path / "noise.wav", 0.1 * noise)
    return write_manifest(
        tmp_path / "noise.json", [{"audio_filepath": path.name, "duration": seconds}]
    )


def test_noise_from_a_manifest_at_an_snr(tmp_path: Path) -> None:
    manifest = _noise_manifest(tmp_path, 3.0)
    segment = speech_like()
    clean = segment.samples.clone()
    NoisePerturbation(str(manifest), min_snr_db=10, max_snr_db=10, rng=1).perturb(segment)
    noise = segment.samples - clean
    snr = 10 * math.log10(float(clean.double().pow(2).mean() / noise.double().pow(2).mean()))
    assert abs(snr - 10) < 0.1
    assert segment.num_samples == 16000


def test_shorter_noise_lands_at_a_random_place(tmp_path: Path) -> None:
    manifest = _noise_manifest(tmp_path, 0.25)
    segment = speech_like()
    clean = segment.samples.clone()
    NoisePerturbation(str(manifest), min_snr_db=0, max_snr_db=0, rng=2).perturb(segment)
    changed = torch.nonzero(segment.samples != clean).flatten()
    assert int(changed[-1] - changed[0]) < 4000


def test_noise_and_impulse_need_a_manifest(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs manifest_path"):
        NoisePerturbation()
    empty = write_manifest(tmp_path / "empty.json", [])
    with pytest.raises(ValueError, match="lists no audio"):
        ImpulsePerturbation(str(empty))


def test_impulse_response_convolves_aligned_and_keeps_length(tmp_path: Path) -> None:
    impulse = np.zeros(800, dtype=np.float32)
    impulse[100] = 0.5  # onset after silence: aligned away
    impulse[100 + 160] = 0.25  # an echo 10 ms later
    path = write_audio(tmp_path / "rir.wav", impulse, subtype="FLOAT")
    manifest = write_manifest(
        tmp_path / "rir.json", [{"audio_filepath": path.name, "duration": 0.05}]
    )
    samples = torch.zeros(1600)
    samples[0] = 1.0
    segment = AudioSegment(samples, 16000)
    ImpulsePerturbation(str(manifest)).perturb(segment)
    assert segment.num_samples == 1600
    norm = math.sqrt(0.5**2 + 0.25**2)
    assert float(segment.samples[0]) == pytest.approx(0.5 / norm, abs=1e-5)
    assert float(segment.samples[160]) == pytest.approx(0.25 / norm, abs=1e-5)
    assert float(segment.samples[1:160].abs().max()) < 1e-5


def test_augmentor_applies_each_perturbation_with_its_probability() -> None:
    never = GainPerturbation(-20, -20)
    always = GainPerturbation(6, 6)
    augmentor = AudioAugmentor([(0.0, never), (1.0, always)], rng=5)
    segment = speech_like()
    before = segment.rms_db
    augmentor.perturb(segment)
    assert abs(segment.rms_db - before - 6) < 1e-4
    half = AudioAugmentor([(0.5, GainPerturbation(6, 6))], rng=0)
    applied = 0
    for _ in range(400):
        segment = speech_like(0.01)
        level = segment.rms_db
        half.perturb(segment)
        applied += segment.rms_db > level + 1
    assert 150 < applied < 250


def test_process_augmentations_from_yaml_is_seeded() -> None:
    config = OmegaConf.create(
        """
        seed: 11
        speed: {prob: 0.5, sr: 16000, min_speed_rate: 0.9, max_speed_rate: 1.1}
        gain: {prob: 1.0, min_gain_dbfs: -10, max_gain_dbfs: 10}
        white_noise: {prob: 0.5, min_snr_db: 20, max_snr_db: 30}
        shift: {prob: 0.5, min_shift_ms: -20, max_shift_ms: 20}
        """
    )

    def run() -> list[torch.Tensor]:
        augmentor = process_augmentations(config)
        assert augmentor is not None
        return [augmentor.perturb(speech_like(0.2)).samples for _ in range(5)]

    first, second = run(), run()
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    assert len({round(float(s.abs().max()), 5) for s in first}) == 5
    augmentor = process_augmentations(config)
    assert [type(p).__name__ for _, p in augmentor.perturbations] == [  # type: ignore[union-attr]
        "SpeedPerturbation", "GainPerturbation", "WhiteNoisePerturbation", "ShiftPerturbation"
    ]  # fmt: skip
    assert process_augmentations(augmentor) is augmentor
    assert process_augmentations(None) is None


def test_without_a_seed_augmentation_follows_the_process_seed() -> None:
    # the generator seed_everything seeds and a resumed run restores
    config = {"gain": {"prob": 1.0}}

    def levels(seed: int) -> list[float]:
        random.seed(seed)
        augmentor = process_augmentations(config)
        return [augmentor.perturb(speech_like(0.05)).rms_db for _ in range(3)]  # type: ignore[union-attr]

    assert levels(123) == levels(123)
    assert levels(123) != levels(124)


@pytest.mark.parametrize(
    ("config", "error", "message"),
    [
        ({"reverb": {"prob": 0.5}}, KeyError, "augmentor.reverb: unknown perturbation"),
        ({"gain": {"min_gain_dbfs": 1}}, KeyError, "augmentor.gain: give its probability"),
        ({"gain": {"prob": 1.5}}, ValueError, r"augmentor.gain.prob must be a number in \[0, 1\]"),
        ({"gain": {"prob": 0.5, "loudness": 3}}, TypeError, "augmentor.gain: .*loudness"),
        ({"seed": "x", "gain": {"prob": 0.5}}, ValueError, "augmentor.seed must be an integer"),
        (["gain"], TypeError, r"augmentor \(perturbation name.*must be a mapping .*got list"),
    ],
)
def test_bad_augmentor_configs(config: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        process_augmentations(config)


def test_register_perturbation() -> None:
    class Silence(Perturbation):
        def perturb(self, data: AudioSegment) -> None:
            data.samples = torch.zeros_like(data.samples)

    register_perturbation("silence_for_test", Silence)
    try:
        augmentor = process_augmentations({"silence_for_test": {"prob": 1.0}})
        assert float(augmentor.perturb(speech_like()).samples.abs().max()) == 0.0  # type: ignore[union-attr]
        with pytest.raises(KeyError, match="already registered"):
            register_perturbation("silence_for_test", Silence)
    finally:
        del perturbation_types["silence_for_test"]


class _NoiseDataset(torch.utils.data.Dataset):  # type: ignore[type-arg]
    def __init__(self, augmentor: AudioAugmentor) -> None:
        self.augmentor = augmentor

    def __len__(self) -> int:
        return 4

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.augmentor.perturb(AudioSegment(torch.zeros(64), 16000)).samples


def test_dataloader_workers_do_not_repeat_each_other() -> None:
    augmentor = process_augmentations({"seed": 3, "white_noise": {"prob": 1.0}})
    assert augmentor is not None
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(_NoiseDataset(augmentor), batch_size=1, num_workers=2)
    items = [batch[0] for batch in loader]
    # Items 0 and 1 are each worker's first item: different streams, not copies of one.
    assert not torch.equal(items[0], items[1])
    torch.manual_seed(0)
    again = [batch[0] for batch in loader]
    assert all(torch.equal(a, b) for a, b in zip(items, again, strict=True))


def test_perturbation_generators_are_independent_of_the_global_random_module() -> None:
    random.seed(0)
    a = AudioAugmentor([(1.0, GainPerturbation())], rng=9).perturb(speech_like()).rms_db
    random.seed(1)
    b = AudioAugmentor([(1.0, GainPerturbation())], rng=9).perturb(speech_like()).rms_db
    assert a == b
