"""Mel-cepstral distortion between a synthesized and a reference utterance, in dB.

Cepstra are the DCT-II of the log-mel frames (coefficients 1..n, c0 — loudness — left out);
the two utterances' frames are paired by dynamic time warping, since a synthesizer's timing
never matches the reference's exactly. MCD = 10 / ln 10 · sqrt(2 · Σ_k (c_k - c'_k)²),
averaged over the warping path (Kubichek 1993).
"""

from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["mel_cepstral_distortion"]


def _cepstra(log_mel: torch.Tensor, n_coefficients: int) -> np.ndarray:
    """(T, n) DCT-II cepstra of a log-mel (n_mels, T), c0 dropped."""
    n_mels = log_mel.shape[0]
    k = torch.arange(n_coefficients + 1, dtype=torch.float64)[:, None]
    m = torch.arange(n_mels, dtype=torch.float64)[None, :]
    basis = torch.cos(math.pi / n_mels * (m + 0.5) * k) * math.sqrt(2.0 / n_mels)
    return (basis @ log_mel.double()).T[:, 1:].numpy()


def _dtw_path_cost(distances: np.ndarray) -> float:
    """Mean frame distance along the cheapest monotonic path through ``distances`` (N, M)."""
    n, m = distances.shape
    total = np.full((n + 1, m + 1), np.inf)
    steps = np.zeros((n + 1, m + 1))
    total[0, 0] = 0.0
    for i in range(1, n + 1):
        row = distances[i - 1]
        for j in range(1, m + 1):
            options = (total[i - 1, j - 1], total[i - 1, j], total[i, j - 1])
            best = int(np.argmin(options))
            previous = ((i - 1, j - 1), (i - 1, j), (i, j - 1))[best]
            total[i, j] = options[best] + row[j - 1]
            steps[i, j] = steps[previous] + 1
    return float(total[n, m] / steps[n, m])


def mel_cepstral_distortion(
    reference_log_mel: torch.Tensor, synthesized_log_mel: torch.Tensor, n_coefficients: int = 24
) -> float:
    """MCD in dB between two log-mel spectrograms (n_mels, T) of the same sentence."""
    if reference_log_mel.shape[0] != synthesized_log_mel.shape[0]:
        raise ValueError(
            f"the spectrograms have {reference_log_mel.shape[0]} and "
            f"{synthesized_log_mel.shape[0]} mel bins: compute both with the same preprocessor"
        )
    ref = _cepstra(reference_log_mel, n_coefficients)
    syn = _cepstra(synthesized_log_mel, n_coefficients)
    distances = np.sqrt(2.0 * ((ref[:, None, :] - syn[None, :, :]) ** 2).sum(-1))
    return 10.0 / math.log(10.0) * _dtw_path_cost(distances)
