"""Mel filterbanks, computed here so that feature extraction needs neither librosa nor torchaudio.

The filters reproduce ``librosa.filters.mel`` (Slaney's auditory-toolbox mel scale by default,
HTK's on request), which is what NeMo's preprocessor stores in ``featurizer.fb``: a checkpoint
trained with NeMo carries those filters, and a freshly built model must compute the same ones.
"""

from __future__ import annotations

import numpy as np

__all__ = ["hz_to_mel", "mel_filterbank", "mel_to_hz"]

_F_SP = 200.0 / 3.0  # Slaney: linear part, Hz per mel
_MIN_LOG_HZ = 1000.0  # Slaney: the scale turns logarithmic above 1 kHz
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOG_STEP = np.log(6.4) / 27.0


def hz_to_mel(frequencies: np.ndarray | float, htk: bool = False) -> np.ndarray:
    """Frequencies in Hz on the mel scale (Slaney's, or HTK's when ``htk``)."""
    hz = np.asarray(frequencies, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + hz / 700.0)
    linear = hz / _F_SP
    logarithmic = _MIN_LOG_MEL + np.log(np.maximum(hz, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOG_STEP
    return np.where(hz >= _MIN_LOG_HZ, logarithmic, linear)


def mel_to_hz(mels: np.ndarray | float, htk: bool = False) -> np.ndarray:
    """Inverse of :func:`hz_to_mel`."""
    mel = np.asarray(mels, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)
    linear = _F_SP * mel
    logarithmic = _MIN_LOG_HZ * np.exp(_LOG_STEP * (np.maximum(mel, _MIN_LOG_MEL) - _MIN_LOG_MEL))
    return np.where(mel >= _MIN_LOG_MEL, logarithmic, linear)


def mel_filterbank(
    sample_rate: int,
    n_fft: int,
    n_mels: int,
    fmin: float = 0.0,
    fmax: float | None = None,
    norm: str | None = "slaney",
    htk: bool = False,
) -> np.ndarray:
    """Triangular mel filters, shape ``(n_mels, n_fft // 2 + 1)``, float32.

    With ``norm="slaney"`` each triangle is scaled by ``2 / bandwidth`` so that every band has
    roughly constant energy; ``norm=None`` leaves peaks at 1.
    """
    if sample_rate <= 0 or n_fft <= 0 or n_mels <= 0:
        raise ValueError(
            f"mel_filterbank needs positive sample_rate, n_fft and n_mels; got {sample_rate}, "
            f"{n_fft}, {n_mels}"
        )
    nyquist = sample_rate / 2.0
    fmax = nyquist if fmax is None else float(fmax)
    if not 0.0 <= fmin < fmax <= nyquist:
        raise ValueError(
            f"mel_filterbank needs 0 <= lowfreq < highfreq <= sample_rate/2 = {nyquist}; got "
            f"lowfreq={fmin}, highfreq={fmax}: change the preprocessor's lowfreq/highfreq"
        )
    if norm not in ("slaney", None):
        raise ValueError(f"mel_norm must be 'slaney' or None, got {norm!r}")
    fft_freqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sample_rate)
    band_edges = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    widths = np.diff(band_edges)
    ramps = np.subtract.outer(band_edges, fft_freqs)
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    if norm == "slaney":
        weights *= (2.0 / (band_edges[2:] - band_edges[:-2]))[:, None]
    filters: np.ndarray = weights.astype(np.float32)
    return filters
