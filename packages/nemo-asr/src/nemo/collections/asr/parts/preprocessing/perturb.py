"""Waveform augmentation: random perturbations of an :class:`AudioSegment`, each with a probability.

Configured from YAML like NeMo's ``augmentor:`` section, one mapping per perturbation::

    augmentor:
      seed: 7                 # optional (our addition): reproducible augmentation
      speed: {prob: 0.5, min_speed_rate: 0.9, max_speed_rate: 1.1, num_rates: 5}
      gain: {prob: 0.5, min_gain_dbfs: -10, max_gain_dbfs: 10}
      white_noise: {prob: 0.3, min_snr_db: 20, max_snr_db: 40}   # or min_level/max_level (dBFS)
      shift: {prob: 0.3, min_shift_ms: -50, max_shift_ms: 50}
      noise: {prob: 0.5, manifest_path: noise.json, min_snr_db: 10, max_snr_db: 30}
      impulse: {prob: 0.2, manifest_path: rirs.json}
    # rooms and channels (ours), simulated: nothing to download
      room: {prob: 0.3, min_rt60: 0.15, max_rt60: 0.7}          # image-source reverberation
      noise_color: {prob: 0.3, colors: [white, pink, brown], min_snr_db: 5, max_snr_db: 30}
      babble: {prob: 0.2, manifest_path: train.json, min_speakers: 3, max_speakers: 7}
      telephone: {prob: 0.1, mu_law_prob: 0.5}                  # 300-3400 Hz, G.711 mu-law
      loudness: {prob: 0.3, min_rms_dbfs: -45, max_rms_dbfs: -15}
      pitch: {prob: 0.2, min_semitones: -3, max_semitones: 3}   # pitch without tempo

Randomness: every perturbation draws from one generator shared through the augmentor (or its
own, when its config has ``rng: <int>``). Without ``seed``, data loaded in the training process
draws from the process-wide :mod:`random` generator, which ``seed_everything`` seeds and a resumed
run restores (so an interrupted run continues with the perturbations of an uninterrupted one);
inside DataLoader workers every generator is re-seeded from the worker's torch seed, so workers
never repeat each other's perturbations. With ``seed`` the augmentor has a generator of its own.
"""

from __future__ import annotations

import math
import os
import random
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

from nemo.collections.asr.parts.preprocessing import acoustics
from nemo.collections.asr.parts.preprocessing.manifest import ManifestEntries, read_manifest
from nemo.collections.asr.parts.preprocessing.resample import resample, speed_ratio
from nemo.collections.asr.parts.preprocessing.segment import AudioSegment
from nemo.collections.asr.parts.utils._random import make_rng
from nemo.utils.model_utils import plain_dict

__all__ = [
    "AudioAugmentor",
    "BabblePerturbation",
    "ColoredNoisePerturbation",
    "GainPerturbation",
    "ImpulsePerturbation",
    "LoudnessPerturbation",
    "NoisePerturbation",
    "Perturbation",
    "PitchPerturbation",
    "RoomReverbPerturbation",
    "ShiftPerturbation",
    "SpeedPerturbation",
    "TelephonePerturbation",
    "WhiteNoisePerturbation",
    "perturbation_types",
    "process_augmentations",
    "register_perturbation",
]


class Perturbation(ABC):
    """One kind of random change to a waveform; ``perturb`` modifies the segment in place.

    ``rng``: None shares the generator of the :class:`AudioAugmentor` it joins; an int gives the
    perturbation its own generator seeded with it; a ``random.Random`` is used as given.
    """

    def __init__(self, rng: random.Random | int | None = None) -> None:
        self._shares_rng = rng is None
        self._own_seed = rng if isinstance(rng, int) else None
        self._rng = rng if isinstance(rng, random.Random) else random.Random(rng)

    @abstractmethod
    def perturb(self, data: AudioSegment) -> None: ...

    def max_augmentation_length(self, length: float) -> float:
        """The longest the perturbation can make a ``length``-second signal."""
        return length

    def _torch_generator(self) -> torch.Generator:
        return torch.Generator().manual_seed(self._rng.getrandbits(63))


def _range(
    low_name: str, low: float, high_name: str, high: float, *, above: float | None = None
) -> tuple[float, float]:
    """``(low, high)`` as floats, once checked to be a range (with ``low > above``)."""
    if low > high:
        raise ValueError(
            f"{low_name}={low} is larger than {high_name}={high}: the minimum must not exceed "
            "the maximum"
        )
    if above is not None and low <= above:
        raise ValueError(f"{low_name} must be > {above}, got {low}")
    return float(low), float(high)


class SpeedPerturbation(Perturbation):
    """Play faster or slower (pitch moves with speed) by resampling, as NeMo's ``speed``.

    ``num_rates > 0`` picks one of that many evenly spaced rates; ``num_rates <= 0`` draws a
    rate uniformly. Rates are rounded to a ratio of small integers (see ``speed_ratio``).
    ``sr`` and ``resample_type`` (NeMo's required rate and librosa filter choice) are accepted
    and unused: the signal is resampled by the rate's ratio with one band-limited resampler,
    whatever its sample rate.
    """

    def __init__(
        self,
        sr: int | None = None,
        resample_type: str | None = None,
        min_speed_rate: float = 0.9,
        max_speed_rate: float = 1.1,
        num_rates: int = 5,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        del sr, resample_type
        self._min, self._max = _range(
            "min_speed_rate", min_speed_rate, "max_speed_rate", max_speed_rate, above=0.0
        )
        self._rates = (
            [
                self._min + (self._max - self._min) * i / max(num_rates - 1, 1)
                for i in range(num_rates)
            ]
            if num_rates > 0
            else None
        )

    def max_augmentation_length(self, length: float) -> float:
        return length / self._min

    def perturb(self, data: AudioSegment) -> None:
        rate = (
            self._rng.choice(self._rates)
            if self._rates
            else self._rng.uniform(self._min, self._max)
        )
        orig, new = speed_ratio(rate)
        if orig != new:
            data.samples = resample(data.samples, orig, new)


class GainPerturbation(Perturbation):
    """Scale by a gain drawn uniformly in [min_gain_dbfs, max_gain_dbfs] dB."""

    def __init__(
        self,
        min_gain_dbfs: float = -10,
        max_gain_dbfs: float = 10,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        self._min, self._max = _range(
            "min_gain_dbfs", min_gain_dbfs, "max_gain_dbfs", max_gain_dbfs
        )

    def perturb(self, data: AudioSegment) -> None:
        data.gain_db(self._rng.uniform(self._min, self._max))


class ShiftPerturbation(Perturbation):
    """Shift in time by [min_shift_ms, max_shift_ms], filling with zeros (NeMo's ``shift``).

    A positive shift moves the audio earlier (its start is cut), a negative one later. A shift
    longer than the signal is skipped, as in NeMo.
    """

    def __init__(
        self,
        min_shift_ms: float = -5.0,
        max_shift_ms: float = 5.0,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        self._min, self._max = _range("min_shift_ms", min_shift_ms, "max_shift_ms", max_shift_ms)

    def perturb(self, data: AudioSegment) -> None:
        shift_ms = self._rng.uniform(self._min, self._max)
        if abs(shift_ms) / 1000 > data.duration:
            return
        shift = int(shift_ms * data.sample_rate // 1000)
        samples = data.samples
        shifted = torch.zeros_like(samples)
        if shift > 0:
            shifted[:-shift] = samples[shift:]
        elif shift < 0:
            shifted[-shift:] = samples[:shift]
        else:
            return
        data.samples = shifted


class WhiteNoisePerturbation(Perturbation):
    """Add Gaussian white noise at an SNR drawn in [min_snr_db, max_snr_db] (relative to the
    signal's RMS level), or, as NeMo, at an absolute level drawn in [min_level, max_level] dBFS.
    """

    def __init__(
        self,
        min_level: float = -90,
        max_level: float = -46,
        min_snr_db: float | None = None,
        max_snr_db: float | None = None,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        if (min_snr_db is None) != (max_snr_db is None):
            raise ValueError("white noise: give both min_snr_db and max_snr_db, or neither")
        self._snr = (
            None
            if min_snr_db is None or max_snr_db is None
            else _range("min_snr_db", min_snr_db, "max_snr_db", max_snr_db)
        )
        _range("min_level", min_level, "max_level", max_level)
        self._min_level, self._max_level = int(min_level), int(max_level)  # NeMo's integer dBFS

    def perturb(self, data: AudioSegment) -> None:
        if self._snr is not None:
            level_db = data.rms_db - self._rng.uniform(*self._snr)
            if not math.isfinite(level_db):
                return
        else:  # NeMo draws an integer level
            level_db = self._rng.randint(self._min_level, self._max_level)
        noise = torch.randn(data.num_samples, generator=self._torch_generator())
        data.samples = data.samples + noise * 10 ** (level_db / 20)


def _noise_manifest(
    manifest_path: str | Path | Sequence[str | Path] | None, what: str
) -> ManifestEntries:
    if not manifest_path:
        raise ValueError(f"{what} perturbation needs manifest_path: a manifest of audio files")
    entries = read_manifest(manifest_path, require_text=False)
    if not len(entries):
        raise ValueError(f"{what} perturbation: the manifest {manifest_path} lists no audio")
    return entries


class NoisePerturbation(Perturbation):
    """Mix in a random stretch of a random recording from a noise manifest at an SNR drawn in
    [min_snr_db, max_snr_db]; the noise gain is capped at ``max_gain_db``. A noise shorter than
    the signal is added at a random position, as in NeMo.
    """

    def __init__(
        self,
        manifest_path: str | Path | Sequence[str | Path] | None = None,
        min_snr_db: float = 10,
        max_snr_db: float = 50,
        max_gain_db: float = 300.0,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        self._min, self._max = _range("min_snr_db", min_snr_db, "max_snr_db", max_snr_db)
        self._noises = _noise_manifest(manifest_path, "noise")
        self._max_gain_db = float(max_gain_db)

    def perturb(self, data: AudioSegment) -> None:
        entry = self._noises[self._rng.randrange(len(self._noises))]
        noise = AudioSegment.segment_from_file(
            entry.audio_file, target_sr=data.sample_rate, n_samples=data.num_samples, rng=self._rng
        )
        self.perturb_with_noise(data, noise, self._rng.uniform(self._min, self._max))

    def perturb_with_noise(self, data: AudioSegment, noise: AudioSegment, snr_db: float) -> None:
        """Add ``noise`` to ``data`` at ``snr_db`` (no-op when either is silent)."""
        gain_db = min(data.rms_db - noise.rms_db - snr_db, self._max_gain_db)
        if not math.isfinite(gain_db) or noise.num_samples == 0:
            return
        scaled = noise.samples * 10 ** (gain_db / 20)
        samples = data.samples.clone()
        if noise.num_samples < data.num_samples:
            start = self._rng.randint(0, data.num_samples - noise.num_samples)
            samples[start : start + noise.num_samples] += scaled
        else:
            samples += scaled[: data.num_samples]
        data.samples = samples


class ImpulsePerturbation(Perturbation):
    """Convolve with a random impulse response from a manifest (reverberation).

    Decision (NeMo 1.0 returned the full convolution, longer than the input and delayed by the
    response's onset): the response is aligned on its peak (``shift_impulse``) and scaled to unit
    energy (``normalize_impulse``), and the result keeps the input's length, so the speech stays
    where the transcript's audio was and its level stays comparable.
    """

    def __init__(
        self,
        manifest_path: str | Path | Sequence[str | Path] | None = None,
        shift_impulse: bool = True,
        normalize_impulse: bool = True,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        self._impulses = _noise_manifest(manifest_path, "impulse")
        self._shift, self._normalize = bool(shift_impulse), bool(normalize_impulse)

    def perturb(self, data: AudioSegment) -> None:
        entry = self._impulses[self._rng.randrange(len(self._impulses))]
        impulse = AudioSegment.from_file(entry.audio_file, target_sr=data.sample_rate)
        data.samples = self.convolve(data.samples, impulse.samples)

    def convolve(self, samples: torch.Tensor, impulse: torch.Tensor) -> torch.Tensor:
        return self._convolve(samples, impulse, shift=self._shift, normalize=self._normalize)

    @staticmethod
    def convolve_aligned(samples: torch.Tensor, impulse: torch.Tensor) -> torch.Tensor:
        """``samples`` through ``impulse`` aligned on its peak and scaled to unit energy."""
        return ImpulsePerturbation._convolve(samples, impulse, shift=True, normalize=True)

    @staticmethod
    def _convolve(
        samples: torch.Tensor, impulse: torch.Tensor, *, shift: bool, normalize: bool
    ) -> torch.Tensor:
        if impulse.numel() == 0 or samples.numel() == 0:
            return samples
        if shift:
            impulse = impulse[int(impulse.abs().argmax()) :]
        if normalize:
            energy = float(impulse.to(torch.float64).pow(2).sum().sqrt())
            if energy > 0:
                impulse = impulse / energy
        size = samples.numel() + impulse.numel() - 1
        n_fft = 1 << (size - 1).bit_length()
        spectrum = torch.fft.rfft(samples, n_fft) * torch.fft.rfft(impulse, n_fft)
        wet: torch.Tensor = torch.fft.irfft(spectrum, n_fft)[: samples.numel()]
        return wet.to(samples.dtype)


class RoomReverbPerturbation(Perturbation):
    """Reverberation of a simulated room: a shoebox of random size (``min_room``..``max_room``
    metres per side), a reverberation time drawn in [min_rt60, max_rt60] s, the talker and the
    microphone at random places at least ``margin`` m from the walls (see
    :func:`~.acoustics.room_impulse_response`). Applied as :class:`ImpulsePerturbation` applies
    a recorded response: aligned on the direct sound, unit energy, same length.

    A response takes ~30 ms to simulate, so ``bank_size`` rooms (64) are simulated once, each on
    its first draw, and drawn from after that; ``bank_size: 0`` simulates a new room every time.
    """

    def __init__(
        self,
        min_rt60: float = 0.15,
        max_rt60: float = 0.7,
        min_room: tuple[float, float, float] | Sequence[float] = (3.0, 3.0, 2.4),
        max_room: tuple[float, float, float] | Sequence[float] = (10.0, 8.0, 4.0),
        margin: float = 0.5,
        bank_size: int = 64,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        self._rt60 = _range("min_rt60", min_rt60, "max_rt60", max_rt60, above=0.0)
        if bank_size < 0:
            raise ValueError(f"room: bank_size must be >= 0, got {bank_size}")
        self._bank_size = int(bank_size)
        self._bank: dict[tuple[int, int], torch.Tensor] = {}
        if len(min_room) != 3 or len(max_room) != 3:
            raise ValueError("room: min_room and max_room are [length, width, height] in metres")
        self._rooms = [
            _range(f"min_room[{i}]", low, f"max_room[{i}]", high, above=0.0)
            for i, (low, high) in enumerate(zip(min_room, max_room, strict=True))
        ]
        self._margin = float(margin)

    def perturb(self, data: AudioSegment) -> None:
        key = (self._rng.randrange(self._bank_size), data.sample_rate) if self._bank_size else None
        response = self._bank.get(key) if key is not None else None
        if response is None:
            response = self.impulse_response(data.sample_rate, self._rng)
            if key is not None:
                self._bank[key] = response
        data.samples = ImpulsePerturbation.convolve_aligned(data.samples, response)

    def impulse_response(self, sample_rate: int, rng: random.Random) -> torch.Tensor:
        """A new room's response, every choice drawn from ``rng``."""
        (x0, x1), (y0, y1), (z0, z1) = self._rooms
        room = (rng.uniform(x0, x1), rng.uniform(y0, y1), rng.uniform(z0, z1))
        # no RT60 below what walls that absorb everything give
        rt60 = max(rng.uniform(*self._rt60), acoustics.shortest_rt60(room) * 1.05)
        source = acoustics.random_point_inside(room, self._margin, rng)
        mic = acoustics.random_point_inside(room, self._margin, rng)
        return acoustics.room_impulse_response(room, source, mic, rt60, sample_rate)


_NOISE_COLORS = {"white": 0.0, "pink": 1.0, "brown": 2.0, "blue": -1.0, "violet": -2.0}


class ColoredNoisePerturbation(Perturbation):
    """Add noise of a color drawn from ``colors`` (white, pink, brown, blue, violet: power
    falling as 1/f^0, 1/f, 1/f^2, rising as f, f^2) at an SNR drawn in [min_snr_db, max_snr_db].
    """

    def __init__(
        self,
        colors: Sequence[str] = ("white", "pink", "brown"),
        min_snr_db: float = 5.0,
        max_snr_db: float = 30.0,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        unknown = [c for c in colors if c not in _NOISE_COLORS]
        if unknown or not colors:
            raise ValueError(f"noise_color: colors must be among {sorted(_NOISE_COLORS)}, got "
                             f"{list(colors)}")  # fmt: skip
        self._colors = list(colors)
        self._snr = _range("min_snr_db", min_snr_db, "max_snr_db", max_snr_db)

    def perturb(self, data: AudioSegment) -> None:
        exponent = _NOISE_COLORS[self._rng.choice(self._colors)]
        level_db = data.rms_db - self._rng.uniform(*self._snr)
        if not math.isfinite(level_db):
            return
        noise = acoustics.colored_noise(data.num_samples, exponent, self._torch_generator())
        data.samples = data.samples + noise * 10 ** (level_db / 20)


class BabblePerturbation(NoisePerturbation):
    """Add babble: ``min_speakers``..``max_speakers`` other utterances of a speech manifest
    (for instance the training manifest itself), each at the same level, summed and mixed at an
    SNR drawn in [min_snr_db, max_snr_db]."""

    def __init__(
        self,
        manifest_path: str | Path | Sequence[str | Path] | None = None,
        min_speakers: int = 3,
        max_speakers: int = 7,
        min_snr_db: float = 5.0,
        max_snr_db: float = 25.0,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(manifest_path, min_snr_db, max_snr_db, rng=rng)
        low, high = _range("min_speakers", min_speakers, "max_speakers", max_speakers, above=0)
        self._speakers = (int(low), int(high))

    def perturb(self, data: AudioSegment) -> None:
        babble = torch.zeros(data.num_samples)
        for _ in range(self._rng.randint(*self._speakers)):
            entry = self._noises[self._rng.randrange(len(self._noises))]
            talker = AudioSegment.segment_from_file(
                entry.audio_file, target_sr=data.sample_rate, n_samples=data.num_samples,
                rng=self._rng,
            )  # fmt: skip
            if talker.num_samples == 0 or not math.isfinite(talker.rms_db):
                continue
            start = self._rng.randint(0, data.num_samples - talker.num_samples)
            babble[start : start + talker.num_samples] += talker.samples * 10 ** (
                -talker.rms_db / 20
            )
        noise = AudioSegment(babble, data.sample_rate)
        self.perturb_with_noise(data, noise, self._rng.uniform(self._min, self._max))


class TelephonePerturbation(Perturbation):
    """A telephone channel: the [low_hz, high_hz] pass band and, with ``mu_law_prob``, G.711's
    8-bit mu-law quantisation (the codec's distortion). The sample rate is kept."""

    def __init__(
        self,
        low_hz: float = 300.0,
        high_hz: float = 3400.0,
        mu_law_prob: float = 0.5,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        self._band = _range("low_hz", low_hz, "high_hz", high_hz, above=0.0)
        if not 0 <= mu_law_prob <= 1:
            raise ValueError(f"telephone: mu_law_prob must be in [0, 1], got {mu_law_prob}")
        self._mu_law_prob = float(mu_law_prob)

    def perturb(self, data: AudioSegment) -> None:
        samples = acoustics.telephone_band(data.samples, data.sample_rate, *self._band)
        if self._rng.random() < self._mu_law_prob:
            peak = float(samples.abs().max()) if samples.numel() else 0.0
            if peak > 0:  # companding works on full-scale signals: normalise, then restore
                samples = acoustics.mu_law_round_trip(samples / peak) * peak
        data.samples = samples


class LoudnessPerturbation(Perturbation):
    """Set the RMS level to one drawn in [min_rms_dbfs, max_rms_dbfs] (absolute loudness, where
    ``gain`` changes it relative to the recording's own). Peaks are kept below full scale."""

    def __init__(
        self,
        min_rms_dbfs: float = -45.0,
        max_rms_dbfs: float = -15.0,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        self._level = _range("min_rms_dbfs", min_rms_dbfs, "max_rms_dbfs", max_rms_dbfs)

    def perturb(self, data: AudioSegment) -> None:
        current = data.rms_db
        if not math.isfinite(current):
            return
        gain_db = self._rng.uniform(*self._level) - current
        peak = float(data.samples.abs().max())
        gain_db = min(gain_db, -20 * math.log10(peak) - 0.1) if peak > 0 else gain_db
        data.gain_db(gain_db)


class PitchPerturbation(Perturbation):
    """Shift the pitch by [min_semitones, max_semitones] without changing the tempo (phase
    vocoder, then resampling; see :func:`~.acoustics.pitch_shift`)."""

    def __init__(
        self,
        min_semitones: float = -3.0,
        max_semitones: float = 3.0,
        rng: random.Random | int | None = None,
    ) -> None:
        super().__init__(rng)
        self._range = _range("min_semitones", min_semitones, "max_semitones", max_semitones)

    def perturb(self, data: AudioSegment) -> None:
        data.samples = acoustics.pitch_shift(data.samples, self._rng.uniform(*self._range))


perturbation_types: dict[str, type[Perturbation]] = {
    "speed": SpeedPerturbation,
    "gain": GainPerturbation,
    "shift": ShiftPerturbation,
    "white_noise": WhiteNoisePerturbation,
    "noise": NoisePerturbation,
    "impulse": ImpulsePerturbation,
    "room": RoomReverbPerturbation,
    "noise_color": ColoredNoisePerturbation,
    "babble": BabblePerturbation,
    "telephone": TelephonePerturbation,
    "loudness": LoudnessPerturbation,
    "pitch": PitchPerturbation,
}


def register_perturbation(name: str, perturbation: type[Perturbation]) -> None:
    """Make ``name`` usable as a key of an ``augmentor:`` config."""
    if name in perturbation_types:
        raise KeyError(f"a perturbation named {name!r} is already registered")
    perturbation_types[name] = perturbation


class AudioAugmentor:
    """Applies each ``(probability, perturbation)`` in order, each with its own probability.

    ``rng`` (NeMo's argument) may be a ``random.Random``, used as given in this process, or an
    int seed; ``seed`` is the same as an int ``rng``. Without either, the augmentor draws from
    the process-wide generator (see the module's docstring). In every DataLoader worker all
    generators are re-seeded from the seed (or torch's) and the worker's torch seed.
    """

    def __init__(
        self,
        perturbations: Iterable[tuple[float, Perturbation]] | None = None,
        rng: random.Random | int | None = None,
        seed: int | None = None,
    ) -> None:
        if isinstance(rng, int):
            seed, rng = rng, None
        self._pipeline = [(float(prob), p) for prob, p in (perturbations or [])]
        self._seed = seed
        self._rng = rng if rng is not None else random.Random()
        # A generator handed in is already seeded, so it is used as is in this process.
        self._seeded_for: tuple[int, int | None] | None = (
            (os.getpid(), None) if rng is not None and seed is None else None
        )
        for _, perturbation in self._pipeline:
            if perturbation._shares_rng:
                perturbation._rng = self._rng

    @property
    def perturbations(self) -> list[tuple[float, Perturbation]]:
        return list(self._pipeline)

    def perturb(self, segment: AudioSegment) -> AudioSegment:
        self._seed_for_this_process()
        for prob, perturbation in self._pipeline:
            if self._rng.random() < prob:
                perturbation.perturb(segment)
        return segment

    def max_augmentation_length(self, length: float) -> float:
        for _, perturbation in self._pipeline:
            length = perturbation.max_augmentation_length(length)
        return length

    def _seed_for_this_process(self) -> None:
        info = torch.utils.data.get_worker_info()
        key = (os.getpid(), None if info is None else info.seed)
        if self._seeded_for is not None and self._seeded_for[0] == key[0]:
            return
        self._seeded_for = key
        # torch.initial_seed() is already worker-specific inside a worker.
        base = torch.initial_seed() if self._seed is None else self._seed
        suffix = "" if info is None or self._seed is None else f":{info.seed}"
        if self._seed is None and info is None:
            self._rng = make_rng(None)
        else:
            self._rng = random.Random(f"{base}{suffix}")
        for index, (_, perturbation) in enumerate(self._pipeline):
            if perturbation._shares_rng:
                perturbation._rng = self._rng
            else:
                own = perturbation._own_seed
                perturbation._rng.seed(f"{base if own is None else own}{suffix}:{index}")

    def __repr__(self) -> str:
        steps = ", ".join(f"{type(p).__name__}(p={prob})" for prob, p in self._pipeline)
        return f"AudioAugmentor([{steps}])"


def process_augmentations(augmenter: Any, seed: int | None = None) -> AudioAugmentor | None:
    """An :class:`AudioAugmentor` from an ``augmentor:`` mapping (or the augmentor itself).

    Each key names a perturbation (see ``perturbation_types``) and maps to its constructor
    arguments plus ``prob`` in [0, 1]; the optional key ``seed`` (or the ``seed`` argument, which
    wins) seeds the generator all perturbations share.
    """
    if augmenter is None or isinstance(augmenter, AudioAugmentor):
        return augmenter
    config = plain_dict(augmenter, what=_AUGMENTOR_SHAPE)
    config_seed = config.pop("seed", None)
    seed = config_seed if seed is None else seed
    if seed is not None and not isinstance(seed, int):
        raise ValueError(f"augmentor.seed must be an integer, got {seed!r}")
    pipeline = []
    for name, params in config.items():
        where = f"augmentor.{name}"
        if name not in perturbation_types:
            raise KeyError(
                f"{where}: unknown perturbation; known: {sorted(perturbation_types)} "
                "(register others with register_perturbation)"
            )
        if not isinstance(params, Mapping) or "prob" not in params:
            raise KeyError(f"{where}: give its probability, e.g. {name}: {{prob: 0.5, ...}}")
        kwargs = dict(params)
        prob = kwargs.pop("prob")
        if isinstance(prob, bool) or not isinstance(prob, (int, float)) or not 0 <= prob <= 1:
            raise ValueError(f"{where}.prob must be a number in [0, 1], got {prob!r}")
        try:
            pipeline.append((float(prob), perturbation_types[name](**kwargs)))
        except TypeError as error:
            raise TypeError(f"{where}: {error}") from error
    return AudioAugmentor(pipeline, seed=seed)


_AUGMENTOR_SHAPE = "augmentor (perturbation name -> {prob: ..., ...}, or an AudioAugmentor)"
