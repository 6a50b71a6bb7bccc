"""Simulated rooms and channels: each perturbation measurably does what its name says, from YAML,
reproducibly under a seed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from asr_data_helpers import tone, utterance_corpus
from omegaconf import OmegaConf

from nemo.collections.asr.parts.preprocessing import acoustics
from nemo.collections.asr.parts.preprocessing.perturb import (
    BabblePerturbation,
    ColoredNoisePerturbation,
    LoudnessPerturbation,
    PitchPerturbation,
    RoomReverbPerturbation,
    TelephonePerturbation,
    process_augmentations,
)
from nemo.collections.asr.parts.preprocessing.segment import AudioSegment

RATE = 16000


def _decay_time(response: torch.Tensor) -> float:
    """RT60 from the Schroeder decay curve between -5 and -25 dB (T20, times 3)."""
    energy = response.double().pow(2).flip(0).cumsum(0).flip(0)
    curve = 10 * torch.log10(energy / energy[0])
    start, stop = int((curve < -5).nonzero()[0]), int((curve < -25).nonzero()[0])
    return (stop - start) / RATE * 3


@pytest.mark.parametrize("rt60", [0.2, 0.4, 0.6])
def test_a_simulated_room_rings_for_the_reverberation_time_asked(rt60: float) -> None:
    response = acoustics.room_impulse_response((6.0, 4.5, 3.0), (2, 1.5, 1.6), (4, 3, 1.2), rt60,
                                               RATE)  # fmt: skip
    assert response.numel() == int(rt60 * RATE) + 1
    assert _decay_time(response) == pytest.approx(rt60, rel=0.36)
    direct = math.dist((2, 1.5, 1.6), (4, 3, 1.2)) / acoustics.SPEED_OF_SOUND * RATE
    assert int(response.abs().argmax()) in (math.floor(direct), math.floor(direct) + 1)


def test_impossible_rooms_are_refused() -> None:
    with pytest.raises(ValueError, match="reverberation time must be > 0 s, got 0"):
        acoustics.room_impulse_response((6, 4, 3), (1, 1, 1), (2, 2, 2), 0, RATE)
    with pytest.raises(ValueError, match="no wall absorption gives RT60 0.05 s"):
        acoustics.room_impulse_response((6, 4, 3), (1, 1, 1), (2, 2, 2), 0.05, RATE)
    with pytest.raises(ValueError, match="the microphone .* is not inside the room"):
        acoustics.room_impulse_response((6, 4, 3), (1, 1, 1), (7, 2, 2), 0.3, RATE)


def test_reverberation_smears_speech_but_keeps_its_timing_and_length() -> None:
    dry = torch.zeros(RATE)
    dry[4000:4400] = torch.from_numpy(tone(0.025, 1000))
    segment = AudioSegment(dry.clone(), RATE)
    RoomReverbPerturbation(min_rt60=0.5, max_rt60=0.5, rng=3).perturb(segment)
    wet = segment.samples
    assert wet.numel() == RATE
    assert int(wet.abs().argmax()) in range(4000, 4600)  # aligned on the direct sound
    tail = slice(4600, 8000)
    assert wet[tail].pow(2).sum() > 1e-3 * wet.pow(2).sum() and dry[tail].abs().sum() == 0


@pytest.mark.parametrize(("color", "slope"), [("white", 0), ("pink", -1), ("brown", -2),
                                               ("blue", 1), ("violet", 2)])  # fmt: skip
def test_noise_colors_have_their_spectral_slope(color: str, slope: int) -> None:
    exponent = -slope
    noise = acoustics.colored_noise(1 << 16, exponent, torch.Generator().manual_seed(0))
    power = torch.fft.rfft(noise.double()).abs().pow(2)
    freq = torch.arange(power.numel()).double()
    band = (freq > 100) & (freq < 20000)
    x, y = freq[band].log(), power[band].log()
    fitted = float(((x - x.mean()) * (y - y.mean())).sum() / (x - x.mean()).pow(2).sum())
    assert fitted == pytest.approx(slope, abs=0.1)
    segment = AudioSegment(torch.from_numpy(tone(1.0)), RATE)
    clean = segment.samples.clone()
    ColoredNoisePerturbation([color], min_snr_db=10, max_snr_db=10, rng=1).perturb(segment)
    added = segment.samples - clean
    snr = 10 * math.log10(float(clean.pow(2).sum() / added.pow(2).sum()))
    assert snr == pytest.approx(10, abs=0.01)


def test_babble_mixes_several_other_talkers_at_the_snr(tmp_path: Path) -> None:
    manifest = utterance_corpus(tmp_path, ["a", "b", "c", "d", "e", "f"])
    segment = AudioSegment(torch.from_numpy(tone(1.0, 300)), RATE)
    clean = segment.samples.clone()
    BabblePerturbation(manifest, min_speakers=4, max_speakers=4, min_snr_db=6, max_snr_db=6,
                       rng=2).perturb(segment)  # fmt: skip
    babble = segment.samples - clean
    assert 10 * math.log10(float(clean.pow(2).sum() / babble.pow(2).sum())) == pytest.approx(
        6, abs=0.01
    )
    spectrum = torch.fft.rfft(babble.double()).abs()
    tones = (spectrum > spectrum.max() * 0.1).nonzero().flatten()
    assert len({round(int(f) / 50) for f in tones}) >= 3  # several talkers' tones, not one


def test_a_telephone_channel_keeps_only_its_band_and_quantises_like_g711() -> None:
    noise = acoustics.colored_noise(RATE, 0, torch.Generator().manual_seed(4)) * 0.1
    segment = AudioSegment(noise.clone(), RATE)
    TelephonePerturbation(mu_law_prob=0.0, rng=0).perturb(segment)
    spectrum_in = torch.fft.rfft(noise.double()).abs().pow(2)
    spectrum_out = torch.fft.rfft(segment.samples.double()).abs().pow(2)

    def kept_db(low: int, high: int) -> float:
        return 10 * math.log10(float(spectrum_out[low:high].sum() / spectrum_in[low:high].sum()))

    assert kept_db(3600, 8000) < -60 and kept_db(0, 200) < -60
    assert kept_db(500, 3000) == pytest.approx(0, abs=0.01)
    coded = acoustics.mu_law_round_trip(noise / noise.abs().max())
    assert torch.unique(coded).numel() <= 256
    error_db = 10 * math.log10(float((coded - noise / noise.abs().max()).pow(2).mean()))
    assert -55 < error_db < -25  # G.711 is about 38 dB SNR on full-scale signals


def test_loudness_sets_the_level_and_never_clips() -> None:
    segment = AudioSegment(torch.from_numpy(tone(1.0, amplitude=0.01)), RATE)
    LoudnessPerturbation(min_rms_dbfs=-20, max_rms_dbfs=-20, rng=0).perturb(segment)
    assert segment.rms_db == pytest.approx(-20, abs=1e-3)
    LoudnessPerturbation(min_rms_dbfs=0, max_rms_dbfs=0, rng=0).perturb(segment)
    assert float(segment.samples.abs().max()) < 1.0  # a sine at 0 dBFS RMS would clip


@pytest.mark.parametrize("semitones", [-4.0, 3.0, 12.0])
def test_pitch_moves_a_tone_and_keeps_the_duration(semitones: float) -> None:
    segment = AudioSegment(torch.from_numpy(tone(1.0, 440)), RATE)
    PitchPerturbation(min_semitones=semitones, max_semitones=semitones, rng=0).perturb(segment)
    assert segment.num_samples == RATE
    peak_hz = int(torch.fft.rfft(segment.samples.double()).abs().argmax())
    assert peak_hz == pytest.approx(440 * 2 ** (semitones / 12), abs=3)


def test_time_stretch_changes_the_duration_not_the_pitch() -> None:
    stretched = acoustics.time_stretch(torch.from_numpy(tone(1.0, 500)), 0.8)
    assert stretched.numel() == 20000
    peak_hz = int(torch.fft.rfft(stretched.double()).abs().argmax()) * RATE / 20000
    assert peak_hz == pytest.approx(500, abs=2)


def test_time_stretch_takes_every_length_and_rate() -> None:
    # float steps once overshot the last frame (IndexError after 400 training steps)
    generator = torch.Generator().manual_seed(5)
    # 12/11 (what pitch_shift uses for -1.5 semitones) at 252 frames of hop 128 overshot
    for length in (32200, 32256, 32300, *range(512, 40000, 977)):
        for rate in (12 / 11, 0.707, 0.8409, 0.9439, 1.0595, 1.189, 1.4142):
            samples = torch.randn(length, generator=generator)
            assert acoustics.time_stretch(samples, rate).numel() == round(length / rate)


_YAML = """
seed: 11
room: {prob: 0.5, min_rt60: 0.2, max_rt60: 0.5}
noise_color: {prob: 0.5, colors: [pink, brown], min_snr_db: 10, max_snr_db: 20}
telephone: {prob: 0.3}
loudness: {prob: 0.5, min_rms_dbfs: -40, max_rms_dbfs: -20}
pitch: {prob: 0.3, min_semitones: -2, max_semitones: 2}
"""


def test_the_channel_perturbations_come_from_yaml_and_repeat_under_a_seed() -> None:
    def run() -> list[torch.Tensor]:
        augmentor = process_augmentations(OmegaConf.create(_YAML))
        assert augmentor is not None
        names = [type(p).__name__ for _, p in augmentor.perturbations]
        assert names == [
            "RoomReverbPerturbation",
            "ColoredNoisePerturbation",
            "TelephonePerturbation",
            "LoudnessPerturbation",
            "PitchPerturbation",
        ]
        return [
            augmentor.perturb(AudioSegment(torch.from_numpy(tone(0.5, 200 + 40 * i)), RATE)).samples
            for i in range(6)
        ]

    first, second = run(), run()
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    clean = [torch.from_numpy(tone(0.5, 200 + 40 * i)) for i in range(6)]
    assert sum(not torch.equal(a, c) for a, c in zip(first, clean, strict=True)) >= 4


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"noise_color": {"prob": 1, "colors": ["grey"]}}, "colors must be among"),
        ({"room": {"prob": 1, "min_rt60": 0.9, "max_rt60": 0.2}}, "min_rt60=0.9 is larger"),
        ({"telephone": {"prob": 1, "mu_law_prob": 2}}, "mu_law_prob must be in"),
        ({"babble": {"prob": 1}}, "needs manifest_path"),
    ],
)
def test_bad_channel_settings_are_named(config: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        process_augmentations(config)
