"""Alignment and length helpers of the FastPitch family (NeMo's names where it has them).

The aligner produces a soft text↔mel attention; monotonic alignment search turns it into a hard
one (each mel frame belongs to exactly one token, tokens in order, none skipped), whose column
sums are the durations the duration predictor learns and the length regulator expands by.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = [
    "average_features",
    "beta_binomial_prior_distribution",
    "binarize_attention",
    "mask_from_lens",
    "mas",
    "regulate_len",
]


def mask_from_lens(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """(B, max_len) boolean mask, True on the first ``lengths[b]`` positions."""
    size = int(lengths.max()) if max_len is None else max_len
    return torch.arange(size, device=lengths.device)[None, :] < lengths[:, None]


def beta_binomial_prior_distribution(
    phoneme_count: int, mel_count: int, scaling_factor: float = 1.0
) -> torch.Tensor:
    """(mel_count, phoneme_count) prior that keeps early alignments near the diagonal.

    Row t is a beta-binomial pmf over the tokens with a = s*t, b = s*(M + 1 - t): its mass
    moves from the first token to the last as t goes through the mel frames (RAD-TTS).
    """
    n = phoneme_count - 1
    k = torch.arange(phoneme_count, dtype=torch.float64)[None, :]
    t = torch.arange(1, mel_count + 1, dtype=torch.float64)[:, None]
    a, b = scaling_factor * t, scaling_factor * (mel_count + 1 - t)
    log_choose = torch.lgamma(torch.tensor(n + 1.0)) - torch.lgamma(k + 1) - torch.lgamma(n - k + 1)
    log_beta = torch.lgamma(k + a) + torch.lgamma(n - k + b) - torch.lgamma(n + a + b)
    log_norm = torch.lgamma(a) + torch.lgamma(b) - torch.lgamma(a + b)
    return torch.exp(log_choose + log_beta - log_norm).to(torch.float32)


def mas(log_attn: np.ndarray, text_len: int, mel_len: int) -> np.ndarray:
    """Monotonic alignment search: the most probable monotonic path, (mel_len, text_len) 0/1.

    Dynamic programming over mel frames; frame j may stay on token i or advance from i - 1.
    Needs ``mel_len >= text_len`` (every token gets at least one frame).
    """
    values = log_attn[:mel_len, :text_len].astype(np.float64)
    best = np.full((mel_len, text_len), -np.inf)
    best[0, 0] = values[0, 0]
    for j in range(1, mel_len):
        stay = best[j - 1]
        advance = np.concatenate(([-np.inf], best[j - 1, :-1]))
        best[j] = np.maximum(stay, advance) + values[j]
    path = np.zeros((mel_len, text_len), dtype=np.float32)
    i = text_len - 1
    for j in range(mel_len - 1, -1, -1):
        path[j, i] = 1.0
        if i > 0 and (i == j or best[j - 1, i - 1] > best[j - 1, i]) if j > 0 else False:
            i -= 1
    return path


def binarize_attention(
    attn: torch.Tensor, in_lens: torch.Tensor, out_lens: torch.Tensor
) -> torch.Tensor:
    """Hard alignments (B, 1, T_mel, T_text) of soft ones by :func:`mas`, per utterance."""
    log_attn = torch.log(attn.detach().clamp_min(1e-8)).squeeze(1).cpu().numpy()
    hard = np.zeros_like(log_attn)
    for b in range(log_attn.shape[0]):
        text_len, mel_len = int(in_lens[b]), int(out_lens[b])
        hard[b, :mel_len, :text_len] = mas(log_attn[b], text_len, mel_len)
    return torch.from_numpy(hard).to(attn.device).unsqueeze(1)


def regulate_len(
    durations: torch.Tensor, enc_out: torch.Tensor, pace: float = 1.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Repeat each token's encoding ``durations`` times: (B, T_text, D) → (B, T_mel, D)."""
    reps = torch.round(durations.float() / pace).long().clamp_min(0)
    lengths = reps.sum(dim=1)
    width = max(int(lengths.max()), 1)
    ends = torch.cumsum(reps, dim=1)  # (B, T_text)
    frames = torch.arange(width, device=enc_out.device)[None, :, None]  # (1, T_mel, 1)
    # frame f belongs to the token whose interval [end - rep, end) holds it
    owner = ((frames >= (ends - reps)[:, None, :]) & (frames < ends[:, None, :])).to(enc_out.dtype)
    return torch.bmm(owner, enc_out), lengths


def average_features(values: torch.Tensor, durations: torch.Tensor) -> torch.Tensor:
    """Mean of the non-zero frame ``values`` (B, T_mel) over each token's frames: (B, T_text).

    Zero marks an unvoiced frame (no pitch); a token with none gets 0.
    """
    ends = torch.cumsum(durations.long(), dim=1)
    starts = ends - durations.long()
    frames = torch.arange(values.shape[1], device=values.device)[None, None, :]
    owner = (frames >= starts[:, :, None]) & (frames < ends[:, :, None])  # (B, T_text, T_mel)
    voiced = (values != 0)[:, None, :] & owner
    total = (values[:, None, :] * voiced).sum(-1)
    count = voiced.sum(-1)
    return torch.where(count > 0, total / count.clamp_min(1), torch.zeros_like(total))
