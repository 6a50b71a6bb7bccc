"""A mono waveform with its sample rate: what the loaders read and the perturbations change.

Samples are a 1-D float32 torch tensor in [-1, 1]. Files are read with soundfile (WAV, FLAC, OGG,
...), optionally from ``offset`` for ``duration`` seconds, mixed down to mono, resampled in torch
and trimmed of leading/trailing silence.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import IO, Any

import numpy as np
import soundfile as sf
import torch

from nemo.collections.asr.parts.preprocessing.resample import resample

__all__ = ["AudioSegment", "trim_silence"]

AudioSource = str | Path | IO[bytes]

# librosa.effects.trim's framing, which NeMo's trim_silence uses: 2048-sample frames, hop 512.
_TRIM_FRAME = 2048
_TRIM_HOP = 512


def trim_silence(samples: torch.Tensor, top_db: float = 60.0) -> torch.Tensor:
    """``samples`` without the leading/trailing frames quieter than ``top_db`` below the loudest.

    Frames are centred (zero-padded by half a frame), as in ``librosa.effects.trim``; a signal
    with no energy at all is returned unchanged rather than emptied.
    """
    if samples.numel() == 0:
        return samples
    half = _TRIM_FRAME // 2
    padded = torch.nn.functional.pad(samples[None, None].to(torch.float64), (half, half))[0, 0]
    frames = padded.unfold(0, _TRIM_FRAME, _TRIM_HOP)
    power = frames.pow(2).mean(dim=1)
    if float(power.max()) <= 0:
        return samples
    loud = torch.nonzero(power > power.max() * 10 ** (-top_db / 10)).flatten()
    start = int(loud[0]) * _TRIM_HOP
    stop = min(samples.numel(), (int(loud[-1]) + 1) * _TRIM_HOP)
    return samples[start:stop]


class AudioSegment:
    """Mono float32 samples at ``sample_rate``; perturbations modify ``samples`` in place."""

    __slots__ = ("_sample_rate", "_samples")

    def __init__(
        self,
        samples: torch.Tensor | np.ndarray,
        sample_rate: int,
        target_sr: int | None = None,
        trim: bool = False,
        trim_db: float = 60.0,
    ) -> None:
        tensor = _to_float_tensor(samples)
        if tensor.ndim == 2:  # (time, channels), soundfile's layout
            tensor = tensor.mean(dim=1)
        if tensor.ndim != 1:
            raise ValueError(
                f"audio samples must be (time,) or (time, channels), got {tuple(tensor.shape)}"
            )
        if target_sr is not None and target_sr != sample_rate:
            tensor = resample(tensor, sample_rate, target_sr)
            sample_rate = target_sr
        if trim:
            tensor = trim_silence(tensor, trim_db)
        self._samples = tensor
        self._sample_rate = int(sample_rate)

    @classmethod
    def from_file(
        cls,
        audio_file: AudioSource,
        target_sr: int | None = None,
        int_values: bool = False,
        offset: float = 0.0,
        duration: float = 0.0,
        trim: bool = False,
        trim_db: float = 60.0,
        orig_sr: int | None = None,
    ) -> AudioSegment:
        """Read ``duration`` seconds (0: to the end) from ``offset`` seconds into the file.

        ``int_values`` reads integer PCM as integers before scaling, as NeMo does; the result
        is the same float signal. ``orig_sr`` (the manifest's ``orig_sample_rate``) is only a
        hint: the file's own rate wins.
        """
        del orig_sr
        try:
            with sf.SoundFile(audio_file) as handle:
                sample_rate = handle.samplerate
                if offset > 0:
                    handle.seek(int(offset * sample_rate))
                frames = int(duration * sample_rate) if duration > 0 else -1
                samples = handle.read(frames=frames, dtype="int32" if int_values else "float32")
        except (sf.LibsndfileError, RuntimeError, OSError) as error:
            raise OSError(f"cannot read audio {_name(audio_file)}: {error}") from error
        if len(samples) == 0:
            where = f" from offset {offset} s" if offset > 0 else ""
            raise OSError(
                f"audio {_name(audio_file)} has no samples{where} (an empty or truncated file, "
                "or an offset past its end?)"
            )
        return cls(samples, sample_rate, target_sr=target_sr, trim=trim, trim_db=trim_db)

    @classmethod
    def segment_from_file(
        cls,
        audio_file: AudioSource,
        target_sr: int | None = None,
        n_samples: int = 0,
        trim: bool = False,
        rng: random.Random | None = None,
    ) -> AudioSegment:
        """A random ``n_samples``-long stretch of the file (all of it when shorter or 0)."""
        with sf.SoundFile(audio_file) as handle:
            sample_rate = handle.samplerate
            length = handle.frames
        wanted = length
        if n_samples > 0 and target_sr is not None:
            wanted = math.ceil(n_samples * sample_rate / target_sr)
        elif n_samples > 0:
            wanted = n_samples
        offset = 0
        if 0 < wanted < length:
            offset = (rng or random).randint(0, length - wanted)
        segment = cls.from_file(
            audio_file,
            target_sr=target_sr,
            offset=offset / sample_rate,
            duration=min(wanted, length) / sample_rate,
            trim=trim,
        )
        if n_samples > 0 and segment.num_samples > n_samples:
            segment._samples = segment._samples[:n_samples]
        return segment

    @property
    def samples(self) -> torch.Tensor:
        return self._samples

    @samples.setter
    def samples(self, value: torch.Tensor) -> None:
        self._samples = _to_float_tensor(value)

    @property
    def sample_rate(self) -> int:
        return self._sample_rate

    @property
    def num_samples(self) -> int:
        return int(self._samples.shape[0])

    @property
    def duration(self) -> float:
        return self.num_samples / self._sample_rate

    @property
    def rms_db(self) -> float:
        """Root-mean-square level in dB relative to full scale (-inf for silence)."""
        mean_square = (
            float(self._samples.to(torch.float64).pow(2).mean()) if self.num_samples else 0
        )
        return 10 * math.log10(mean_square) if mean_square > 0 else -math.inf

    def gain_db(self, gain: float) -> None:
        self._samples = self._samples * 10 ** (gain / 20)

    def pad(self, pad_size: int, symmetric: bool = False) -> None:
        """Append ``pad_size`` zeros (half before, half after when ``symmetric``)."""
        before = pad_size // 2 if symmetric else 0
        self._samples = torch.nn.functional.pad(self._samples, (before, pad_size - before))

    def __repr__(self) -> str:
        return (
            f"AudioSegment({self.num_samples} samples, {self._sample_rate} Hz, "
            f"{self.duration:.2f} s, {self.rms_db:.1f} dBFS)"
        )


def _name(audio_file: AudioSource) -> str:
    return str(audio_file) if isinstance(audio_file, (str, Path)) else "<stream>"


def _to_float_tensor(samples: Any) -> torch.Tensor:
    """float32 samples in [-1, 1]: integer PCM is scaled by its full-scale value."""
    if isinstance(samples, np.ndarray):
        if np.issubdtype(samples.dtype, np.integer):
            scale = 1.0 / 2 ** (np.iinfo(samples.dtype).bits - 1)
            return torch.from_numpy(samples.astype(np.float32) * np.float32(scale))
        return torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))
    tensor = torch.as_tensor(samples)
    if not tensor.is_floating_point():
        scale = 1.0 / 2 ** (torch.iinfo(tensor.dtype).bits - 1)
        scaled: torch.Tensor = tensor.to(torch.float32) * scale
        return scaled
    return tensor.to(torch.float32)
