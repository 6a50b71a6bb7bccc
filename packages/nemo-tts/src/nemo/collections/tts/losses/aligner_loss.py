"""The aligner's losses (NeMo's ``ForwardSumLoss`` and ``BinLoss``)."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["BinLoss", "ForwardSumLoss"]


class ForwardSumLoss(nn.Module):
    """-log P(text | mel) summed over every monotonic alignment: CTC with tokens as targets.

    Each mel frame "emits" a token position; the target is positions 1..N in order, so CTC's
    forward algorithm sums the probability of all monotonic paths. Position 0 is CTC's blank.
    """

    def __init__(self, blank_logprob: float = -1.0) -> None:
        super().__init__()
        self.blank_logprob = blank_logprob
        self.ctc = nn.CTCLoss(zero_infinity=True)

    def forward(
        self, attn_logprob: torch.Tensor, in_lens: torch.Tensor, out_lens: torch.Tensor
    ) -> torch.Tensor:
        logprob = nn.functional.pad(attn_logprob.squeeze(1), (1, 0), value=self.blank_logprob)
        positions = torch.arange(logprob.shape[2], device=logprob.device)[None, None, :]
        # finite, not -inf: CTC's backward turns -inf log-probabilities into NaN gradients
        logprob = logprob.masked_fill(positions > in_lens[:, None, None], -1e4)
        logprob = torch.log_softmax(logprob, dim=2).transpose(0, 1)  # (T_mel, B, N + 1)
        targets = torch.arange(1, logprob.shape[2], device=logprob.device).expand(
            logprob.shape[1], -1
        )
        loss: torch.Tensor = self.ctc(logprob, targets, out_lens, in_lens)
        return loss


class BinLoss(nn.Module):
    """Pulls the soft alignment towards the hard one: -mean log soft[hard = 1]."""

    def forward(self, hard_attention: torch.Tensor, soft_attention: torch.Tensor) -> torch.Tensor:
        chosen = torch.log(soft_attention.clamp_min(1e-12))[hard_attention == 1]
        return -chosen.sum() / hard_attention.sum().clamp_min(1)
