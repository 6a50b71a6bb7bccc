"""Frame-level fundamental frequency from audio, in torch (no librosa's pYIN).

Normalised autocorrelation (YIN's cumulative-mean-normalised difference) over the same frames
as the mel spectrogram (centred windows, one per hop), so frame t of the pitch contour is frame
t of the mel. Unvoiced frames are 0, which the token averaging skips.
"""

from __future__ import annotations

import torch

__all__ = ["extract_pitch"]


def extract_pitch(
    audio: torch.Tensor,
    sample_rate: int,
    hop_length: int,
    win_length: int,
    n_frames: int,
    fmin: float = 65.0,
    fmax: float = 400.0,
    threshold: float = 0.3,
) -> torch.Tensor:
    """f0 in Hz of each of ``n_frames`` frames of mono ``audio`` (T,); 0 where unvoiced."""
    audio = audio.to(torch.float32)
    padded = torch.nn.functional.pad(audio, (win_length // 2, win_length // 2 + win_length))
    frames = padded.unfold(0, win_length, hop_length)[:n_frames]  # (F, W)
    frames = frames - frames.mean(dim=1, keepdim=True)
    max_lag = min(int(sample_rate / fmin), win_length // 2)
    min_lag = max(int(sample_rate / fmax), 2)
    size = 2 * win_length
    spectrum = torch.fft.rfft(frames, n=size)
    autocorr = torch.fft.irfft(spectrum.abs().pow(2), n=size)[:, : max_lag + 1]  # (F, L)
    # YIN difference d(τ) = Σ_j (x_j - x_{j+τ})² = E[0, W-τ) + E[τ, W) - 2 r(τ)
    cum = torch.nn.functional.pad(torch.cumsum(frames.pow(2), dim=1), (1, 0))  # (F, W + 1)
    lags = torch.arange(max_lag + 1)
    total = cum[:, -1:]
    diff = cum[:, win_length - lags] + (total - cum[:, lags]) - 2 * autocorr
    diff[:, 0] = 0
    cumulative = torch.cumsum(diff[:, 1:], dim=1) / torch.arange(1, max_lag + 1)
    cmnd = torch.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] / cumulative.clamp_min(1e-12)
    search = cmnd[:, min_lag:]
    # YIN's absolute threshold: the first dip under it (its local minimum), not the deepest
    # dip, which is often a multiple of the period (an octave too low)
    below = search < threshold
    first = torch.where(below.any(dim=1), below.int().argmax(dim=1), search.argmin(dim=1))
    offsets = torch.arange(search.shape[1])[None, :]
    near = (offsets >= first[:, None]) & (offsets <= first[:, None] + first[:, None] // 2 + 1)
    local = torch.where(near, search, torch.full_like(search, torch.inf))
    lag = local.argmin(dim=1) + min_lag
    best = local.min(dim=1).values
    loud = total.squeeze(1) > 1e-3 * total.max().clamp_min(1e-12)
    voiced = (best < threshold) & loud
    f0 = sample_rate / lag.to(torch.float32)
    return torch.where(voiced, f0, torch.zeros_like(f0))
