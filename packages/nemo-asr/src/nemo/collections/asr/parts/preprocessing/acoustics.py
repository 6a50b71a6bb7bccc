"""Signal models of rooms and channels, in torch: what the channel perturbations apply.

* :func:`room_impulse_response`: a shoebox room by the image-source method (Allen & Berkley,
  1979): every mirror image of the source up to the order the reverberation time needs, each
  delayed by its distance over the speed of sound, attenuated by 1/distance and by the wall
  reflection coefficients it bounced off. The walls' absorption follows from the wanted RT60 by
  Sabine's formula (see :func:`sabine_absorption` for how close the result comes).
* :func:`colored_noise`: Gaussian noise with a power spectrum proportional to ``1/f**exponent``
  (0 white, 1 pink, 2 brown, -1 blue, -2 violet).
* :func:`telephone_band` and :func:`mu_law_round_trip`: a narrow-band telephone channel and
  G.711's 8-bit companding.
* :func:`time_stretch` (phase vocoder) and :func:`pitch_shift` (stretch, then resample): pitch
  without tempo.
"""

from __future__ import annotations

import math
import random

import torch

from nemo.collections.asr.parts.preprocessing.resample import resample, speed_ratio

__all__ = [
    "SPEED_OF_SOUND",
    "colored_noise",
    "mu_law_round_trip",
    "pitch_shift",
    "random_point_inside",
    "room_impulse_response",
    "sabine_absorption",
    "shortest_rt60",
    "telephone_band",
    "time_stretch",
]

SPEED_OF_SOUND = 343.0  # m/s at 20 °C


Room = tuple[float, float, float]


def shortest_rt60(room: Room) -> float:
    """The reverberation time of ``room`` with walls that absorb everything (Sabine)."""
    length, width, height = room
    surface = 2 * (length * width + length * height + width * height)
    return 0.161 * length * width * height / surface


def sabine_absorption(room: Room, rt60: float) -> float:
    """The wall absorption coefficient that gives a ``room`` (metres) reverberation ``rt60``.

    Sabine's formula, not Eyring's: a shoebox image-source response decays more slowly than
    a diffuse field (its grazing paths meet few walls), and Sabine's lower absorption happens
    to compensate: measured T20 within ~35% of the asked RT60 from 0.2 to 0.6 s.
    """
    if not rt60 > 0:
        raise ValueError(f"the reverberation time must be > 0 s, got {rt60}")
    absorption = shortest_rt60(room) / rt60
    if not absorption < 1:
        length, width, height = room
        raise ValueError(
            f"no wall absorption gives RT60 {rt60} s in a {length}x{width}x{height} m room "
            f"(Sabine needs {absorption:.2f} > 1): use a longer RT60 or a smaller room"
        )
    return absorption


def room_impulse_response(
    room: tuple[float, float, float],
    source: tuple[float, float, float],
    microphone: tuple[float, float, float],
    rt60: float,
    sample_rate: int,
    *,
    max_images: int = 200_000,
) -> torch.Tensor:
    """The impulse response from ``source`` to ``microphone`` in a shoebox ``room`` (metres).

    Images are taken up to the order whose path length covers ``rt60`` (where the response has
    decayed by 60 dB), capped so that at most ``max_images`` are summed. Each image's arrival is
    split between its two nearest samples (linear fractional delay).
    """
    for name, point in (("source", source), ("microphone", microphone)):
        if not all(0 < p < size for p, size in zip(point, room, strict=True)):
            raise ValueError(f"the {name} {point} is not inside the room {room}")
    beta = math.sqrt(1 - sabine_absorption(room, rt60))  # pressure reflection coefficient
    length = int(rt60 * sample_rate) + 1
    order = math.ceil(SPEED_OF_SOUND * rt60 / min(room)) + 1
    order = min(order, max(1, int((max_images / 8) ** (1 / 3) / 2)))
    n = torch.arange(-order, order + 1, dtype=torch.float64)
    room_t = torch.tensor(room, dtype=torch.float64)
    src = torch.tensor(source, dtype=torch.float64)
    mic = torch.tensor(microphone, dtype=torch.float64)
    # Per axis: image coordinate 2*n*L + (1 - 2q)*s for q in {0, 1}; reflections |n - q| + |n|.
    coords, bounces = [], []
    for axis in range(3):
        q = torch.tensor([0.0, 1.0], dtype=torch.float64)
        position = 2 * n[:, None] * room_t[axis] + (1 - 2 * q[None, :]) * src[axis]
        coords.append((position - mic[axis]).reshape(-1))
        bounces.append((n[:, None] - q[None, :]).abs().add(n.abs()[:, None]).reshape(-1))
    dx, dy, dz = torch.meshgrid(*coords, indexing="ij")
    bx, by, bz = torch.meshgrid(*bounces, indexing="ij")
    distance = torch.sqrt(dx**2 + dy**2 + dz**2).reshape(-1)
    reflections = (bx + by + bz).reshape(-1)
    delay = distance / SPEED_OF_SOUND * sample_rate
    keep = delay < length - 1
    delay, distance, reflections = delay[keep], distance[keep], reflections[keep]
    gain = beta**reflections / (4 * math.pi * distance.clamp(min=1e-3))
    first = delay.floor()
    fraction = delay - first
    response = torch.zeros(length, dtype=torch.float64)
    response.index_add_(0, first.long(), gain * (1 - fraction))
    response.index_add_(0, first.long() + 1, gain * fraction)
    return response.to(torch.float32)


def colored_noise(num_samples: int, exponent: float, generator: torch.Generator) -> torch.Tensor:
    """Unit-RMS Gaussian noise whose power falls as ``1/f**exponent``."""
    if num_samples <= 0:
        return torch.zeros(0)
    white = torch.randn(num_samples, generator=generator, dtype=torch.float64)
    spectrum = torch.fft.rfft(white)
    frequency = torch.arange(spectrum.numel(), dtype=torch.float64)
    frequency[0] = frequency[1] if spectrum.numel() > 1 else 1.0  # no infinite DC
    shaped: torch.Tensor = torch.fft.irfft(spectrum * frequency.pow(-exponent / 2), num_samples)
    rms = shaped.pow(2).mean().sqrt()
    return (shaped / rms.clamp(min=1e-12)).to(torch.float32)


def telephone_band(
    samples: torch.Tensor, sample_rate: int, low_hz: float = 300.0, high_hz: float = 3400.0
) -> torch.Tensor:
    """``samples`` through a telephone channel's pass band (raised-cosine edges, 100 Hz wide)."""
    if samples.numel() == 0:
        return samples
    spectrum = torch.fft.rfft(samples.to(torch.float64))
    frequency = torch.fft.rfftfreq(samples.numel(), 1 / sample_rate, dtype=torch.float64)
    edge = 100.0

    def ramp(x: torch.Tensor) -> torch.Tensor:  # 0 below -edge/2, 1 above +edge/2
        return 0.5 - 0.5 * torch.cos(math.pi * (x / edge + 0.5).clamp(0, 1))

    mask = ramp(frequency - low_hz) * ramp(high_hz - frequency)
    filtered: torch.Tensor = torch.fft.irfft(spectrum * mask, samples.numel())
    return filtered.to(samples.dtype)


def mu_law_round_trip(samples: torch.Tensor, bits: int = 8) -> torch.Tensor:
    """``samples`` companded with mu-law (G.711: mu = 255 at 8 bits), quantised and expanded."""
    mu = float(2**bits - 1)
    clipped = samples.clamp(-1.0, 1.0).to(torch.float64)
    compressed = torch.sign(clipped) * torch.log1p(mu * clipped.abs()) / math.log1p(mu)
    quantised = torch.round((compressed + 1) / 2 * mu) / mu * 2 - 1
    expanded = torch.sign(quantised) * ((1 + mu) ** quantised.abs() - 1) / mu
    return expanded.to(samples.dtype)


def time_stretch(samples: torch.Tensor, rate: float, n_fft: int = 512) -> torch.Tensor:
    """``samples`` played ``rate`` times as fast, pitch unchanged (phase vocoder)."""
    if samples.numel() < n_fft or rate == 1.0:
        return samples
    hop = n_fft // 4
    window = torch.hann_window(n_fft, dtype=torch.float64)
    stft = torch.stft(
        samples.to(torch.float64), n_fft, hop, window=window, return_complex=True, center=True
    )
    frames = stft.shape[1]
    # enough frames for the length; arange of floats may overshoot its end: clamp the indices
    steps = torch.arange(0, frames, rate, dtype=torch.float64).clamp(max=frames - 1)
    expected = torch.linspace(0, math.pi * hop, stft.shape[0], dtype=torch.float64)
    left = stft[:, steps.long()]
    right = stft[:, (steps.long() + 1).clamp(max=frames - 1)]
    weight = (steps - steps.floor())[None, :]
    magnitude = (1 - weight) * left.abs() + weight * right.abs()
    advance = torch.angle(right) - torch.angle(left) - expected[:, None]
    advance = advance - 2 * math.pi * torch.round(advance / (2 * math.pi))
    phase = torch.cumsum(advance + expected[:, None], dim=1)
    phase = torch.cat([torch.angle(stft[:, :1]), phase[:, :-1] + torch.angle(stft[:, :1])], 1)
    stretched = torch.polar(magnitude, phase)
    length = round(samples.numel() / rate)
    out = torch.istft(stretched, n_fft, hop, window=window, center=True, length=length)
    return out.to(samples.dtype)


def pitch_shift(samples: torch.Tensor, semitones: float) -> torch.Tensor:
    """``samples`` ``semitones`` higher (or lower), same duration: stretch, then resample."""
    if semitones == 0 or samples.numel() == 0:
        return samples
    orig, new = speed_ratio(2 ** (semitones / 12))
    if orig == new:
        return samples
    stretched = time_stretch(samples, new / orig)  # new/orig < 1 for a higher pitch: longer
    shifted = resample(stretched, orig, new)
    if shifted.numel() >= samples.numel():
        return shifted[: samples.numel()]
    return torch.nn.functional.pad(shifted, (0, samples.numel() - shifted.numel()))


def random_point_inside(room: Room, margin: float, rng: random.Random) -> Room:
    """A point at least ``margin`` metres from every wall (the middle if the room is smaller)."""
    x, y, z = (
        rng.uniform(margin, size - margin) if size > 2 * margin else size / 2 for size in room
    )
    return x, y, z
