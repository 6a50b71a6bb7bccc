"""The learned text↔mel aligner of FastPitch 1.1 / RAD-TTS (NeMo's ``AlignmentEncoder``).

Text embeddings and mel frames are projected to a shared space; the attention of frame t on
token i is a softmax over tokens of -temperature·‖q_t - k_i‖², multiplied by a beta-binomial
prior that favours the diagonal. Trained with the forward-sum (CTC) loss, it needs no external
aligner; monotonic alignment search then reads hard durations off it.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["AlignmentEncoder"]


class AlignmentEncoder(nn.Module):
    def __init__(
        self,
        n_mel_channels: int = 80,
        n_text_channels: int = 512,
        n_att_channels: int = 80,
        temperature: float = 0.0005,
    ) -> None:
        super().__init__()
        self.temperature = temperature
        self.key_proj = nn.Sequential(
            nn.Conv1d(n_text_channels, 2 * n_text_channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv1d(2 * n_text_channels, n_att_channels, 1),
        )
        self.query_proj = nn.Sequential(
            nn.Conv1d(n_mel_channels, 2 * n_mel_channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv1d(2 * n_mel_channels, n_mel_channels, 1),
            nn.ReLU(),
            nn.Conv1d(n_mel_channels, n_att_channels, 1),
        )

    def forward(
        self,
        queries: torch.Tensor,
        keys: torch.Tensor,
        mask: torch.Tensor,
        attn_prior: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Soft attention (B, 1, T_mel, T_text) and its log-probabilities before the mask.

        ``queries``: mel (B, n_mel, T_mel); ``keys``: text embeddings (B, n_text, T_text);
        ``mask``: (B, T_text) True on real tokens; ``attn_prior``: (B, T_mel, T_text).
        """
        keys_enc = self.key_proj(keys)  # (B, A, T_text)
        queries_enc = self.query_proj(queries)  # (B, A, T_mel)
        # ‖q - k‖² = ‖q‖² + ‖k‖² - 2 q·k: a batched matmul instead of a (B, A, T_mel, T_text)
        # difference tensor (hundreds of MB, and its gradient, for a batch of long utterances)
        cross = torch.bmm(queries_enc.transpose(1, 2), keys_enc)  # (B, T_mel, T_text)
        dist = queries_enc.pow(2).sum(1).unsqueeze(2) + keys_enc.pow(2).sum(1).unsqueeze(1)
        dist = (dist - 2 * cross).clamp_min(0)
        attn = -self.temperature * dist
        if attn_prior is not None:
            attn = torch.log_softmax(attn, dim=2) + torch.log(attn_prior + 1e-8)
        attn_logprob = attn.unsqueeze(1)
        attn = attn.masked_fill(~mask[:, None, :], -float("inf"))
        return torch.softmax(attn, dim=2).unsqueeze(1), attn_logprob
