"""Audio loading (soundfile), band-limited resampling in torch, silence trimming."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from asr_data_helpers import tone, write_audio

from nemo.collections.asr.parts.preprocessing.featurizer import WaveformFeaturizer
from nemo.collections.asr.parts.preprocessing.resample import resample, speed_ratio
from nemo.collections.asr.parts.preprocessing.segment import AudioSegment, trim_silence


def level_db(signal: torch.Tensor) -> float:
    return 10 * math.log10(float(signal.double().pow(2).mean()))


def sine(freq: float, rate: int, seconds: float = 1.0) -> torch.Tensor:
    return torch.sin(
        2 * math.pi * freq * torch.arange(round(rate * seconds), dtype=torch.float64) / rate
    )


@pytest.mark.parametrize(
    ("orig", "new"), [(22050, 16000), (8000, 16000), (44100, 16000), (16000, 8000)]
)
def test_resampling_keeps_in_band_tones(orig: int, new: int) -> None:
    out = resample(sine(1000.0, orig), orig, new)
    assert out.shape == (math.ceil(orig * new / orig),)
    expected = sine(1000.0, new)[: out.shape[0]]
    middle = slice(new // 10, -new // 10)
    assert float((out - expected)[middle].abs().max()) < 1e-3


def test_downsampling_removes_what_the_new_rate_cannot_hold() -> None:
    out = resample(sine(9000.0, 22050), 22050, 16000)  # above 8 kHz: would alias to 7 kHz
    assert level_db(out[2000:-2000]) < -100


def test_resample_batches_and_dtypes() -> None:
    batch = torch.randn(3, 2, 1000)
    out = resample(batch, 441, 160)
    assert out.shape == (3, 2, 363)
    assert torch.allclose(out[1, 0], resample(batch[1, 0], 441, 160), atol=1e-6)
    assert resample(batch, 16000, 16000) is batch
    with pytest.raises(ValueError, match="filter phases"):
        resample(batch, 16000, 17777)


def test_speed_ratio_is_small() -> None:
    assert speed_ratio(0.9) == (9, 10)
    assert speed_ratio(1.1) == (11, 10)
    orig, new = speed_ratio(1.0 / 1.07)
    assert abs(new / orig - 1.07) < 1e-3


def test_reads_flac_and_wav_with_offset_and_duration(tmp_path: Path) -> None:
    samples = tone(1.0, 440.0)
    for suffix in (".flac", ".wav"):
        path = write_audio(tmp_path / f"a{suffix}", samples)
        whole = AudioSegment.from_file(path)
        assert (whole.sample_rate, whole.num_samples) == (16000, 16000)
        assert torch.allclose(whole.samples, torch.from_numpy(samples), atol=1 / 32768)
        part = AudioSegment.from_file(path, offset=0.25, duration=0.5)
        assert part.num_samples == 8000
        assert torch.allclose(part.samples, whole.samples[4000:12000])
        ints = AudioSegment.from_file(path, int_values=True)
        assert torch.allclose(ints.samples, whole.samples)


def test_resamples_mixes_down_and_reads_streams(tmp_path: Path) -> None:
    stereo = np.stack([tone(0.5, 300.0, rate=8000), np.zeros(4000, np.float32)], axis=1)
    path = write_audio(tmp_path / "s.wav", stereo, rate=8000)
    segment = AudioSegment.from_file(path, target_sr=16000)
    assert (segment.sample_rate, segment.num_samples) == (16000, 8000)
    assert abs(float(segment.samples.abs().max()) - 0.25) < 0.01  # mean of the two channels
    from_bytes = AudioSegment.from_file(io.BytesIO(path.read_bytes()), target_sr=16000)
    assert torch.equal(from_bytes.samples, segment.samples)


def test_unreadable_audio_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.flac"
    bad.write_bytes(b"not audio")
    with pytest.raises(OSError, match="bad.flac"):
        AudioSegment.from_file(bad)


def test_trim_silence_cuts_quiet_edges_like_librosa() -> None:
    rate = 16000
    speech = torch.from_numpy(tone(0.5, 440.0))
    padded = torch.cat([torch.zeros(rate), speech, torch.full((rate,), 1e-5)])
    trimmed = trim_silence(padded, top_db=60)
    # librosa's framing (2048/512, centred) keeps up to a frame of the quiet edges.
    assert rate - 2048 <= padded.numel() - trimmed.numel() - rate <= rate + 2048
    assert len(trimmed) >= len(speech)
    assert torch.equal(trim_silence(torch.zeros(100)), torch.zeros(100))
    segment = AudioSegment(padded, rate, trim=True)
    assert segment.num_samples == trimmed.numel()


def test_segment_helpers(tmp_path: Path) -> None:
    segment = AudioSegment(np.full(1600, 16384, dtype=np.int16), 16000)
    assert segment.duration == 0.1
    assert abs(segment.rms_db - 20 * math.log10(0.5)) < 1e-6
    segment.gain_db(-6.0)
    assert abs(segment.rms_db - (20 * math.log10(0.5) - 6)) < 1e-4
    segment.pad(400, symmetric=True)
    assert segment.num_samples == 2000 and float(segment.samples[0]) == 0.0
    path = write_audio(tmp_path / "n.wav", tone(2.0, 100.0))
    piece = AudioSegment.segment_from_file(path, target_sr=8000, n_samples=4000)
    assert (piece.sample_rate, piece.num_samples) == (8000, 4000)


def test_waveform_featurizer_loads_at_the_model_rate(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "a.wav", tone(1.0, 440.0, rate=8000), rate=8000)
    featurizer = WaveformFeaturizer(sample_rate=16000)
    samples = featurizer.process(path, offset=0.5)
    assert samples.shape == (8000,)
    assert featurizer.max_augmentation_length(2.0) == 2.0
