"""Griffin-Lim phase reconstruction from a log-mel spectrogram: the untrained vocoder.

The mel is taken back to linear magnitudes by the filterbank's pseudo-inverse (clipped at 0),
sharpened by ``power``, and a phase is found by alternating projections with Perlin-style
momentum ("fast Griffin-Lim", Perraudin et al. 2013), from a fixed random start so that the
same spectrogram always gives the same audio.
"""

from __future__ import annotations

import torch

__all__ = ["griffin_lim", "mel_to_linear"]


def mel_to_linear(
    log_mel: torch.Tensor, filterbank: torch.Tensor, log_zero_guard_value: float
) -> torch.Tensor:
    """Linear magnitudes (B, n_fft//2+1, T) of log-mel (B, n_mel, T) via the pseudo-inverse."""
    mel = (torch.exp(log_mel.float()) - log_zero_guard_value).clamp_min(0)
    inverse = torch.linalg.pinv(filterbank.float())  # (F, n_mel)
    return torch.matmul(inverse, mel).clamp_min(0)


def griffin_lim(
    magnitude: torch.Tensor,
    n_fft: int,
    hop_length: int,
    win_length: int,
    n_iters: int = 32,
    momentum: float = 0.99,
    power: float = 1.2,
    length: int | None = None,
) -> torch.Tensor:
    """Audio (B, T·hop) with the linear ``magnitude`` (B, F, T)."""
    window = torch.hann_window(win_length, device=magnitude.device)
    target = magnitude.pow(power)
    generator = torch.Generator(device="cpu").manual_seed(0)
    phase = torch.rand(target.shape, generator=generator).to(target.device) * 2 * torch.pi
    angles = torch.polar(torch.ones_like(target), phase)
    previous = torch.zeros_like(angles)
    length = length or hop_length * target.shape[-1]

    def inverse(spectrum: torch.Tensor) -> torch.Tensor:
        return torch.istft(spectrum, n_fft, hop_length, win_length, window=window, length=length)

    for _ in range(n_iters):
        rebuilt = torch.stft(
            inverse(target * angles),
            n_fft,
            hop_length,
            win_length,
            window=window,
            pad_mode="constant",
            return_complex=True,
        )[..., : target.shape[-1]]
        angles = rebuilt - previous * (momentum / (1 + momentum))
        angles = angles / angles.abs().clamp_min(1e-16)
        previous = rebuilt
    return inverse(target * angles)
