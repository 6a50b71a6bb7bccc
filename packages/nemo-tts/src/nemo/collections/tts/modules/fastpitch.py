"""FastPitch's network (NeMo's ``FastPitchModule`` and ``TemporalPredictor`` names).

Encoder → (duration, pitch) predictors → pitch embedding added → length regulation by
durations → decoder → mel projection. In training the durations come from the aligner's hard
alignment and the pitch from the audio (teacher forcing); at inference from the predictors.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from nemo.collections.tts.modules.aligner import AlignmentEncoder
from nemo.collections.tts.modules.transformer import FFTransformerDecoder, FFTransformerEncoder
from nemo.collections.tts.parts.utils.helpers import (
    average_features,
    binarize_attention,
    regulate_len,
)

__all__ = ["FastPitchModule", "TemporalPredictor"]


class _ConvReLUNorm(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, dropout: float):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        self.norm = nn.LayerNorm(out_channels)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, T)
        out = torch.relu(self.conv(x))
        normed: torch.Tensor = self.dropout(self.norm(out.transpose(1, 2)).transpose(1, 2))
        return normed


class TemporalPredictor(nn.Module):
    """One value per token (log-duration, or pitch) from the encodings (B, T, D)."""

    def __init__(
        self,
        input_size: int,
        filter_size: int,
        kernel_size: int,
        dropout: float,
        n_layers: int = 2,
    ) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            *(
                _ConvReLUNorm(
                    input_size if i == 0 else filter_size, filter_size, kernel_size, dropout
                )
                for i in range(n_layers)
            )
        )
        self.fc = nn.Linear(filter_size, 1)

    def forward(self, enc: torch.Tensor, enc_mask: torch.Tensor) -> torch.Tensor:
        keep = enc_mask.unsqueeze(2).to(enc.dtype)
        out = self.layers((enc * keep).transpose(1, 2)).transpose(1, 2)
        values: torch.Tensor = (self.fc(out) * keep).squeeze(-1)
        return values


class FastPitchModule(nn.Module):
    def __init__(
        self,
        encoder_module: FFTransformerEncoder,
        decoder_module: FFTransformerDecoder,
        duration_predictor: TemporalPredictor,
        pitch_predictor: TemporalPredictor,
        aligner: AlignmentEncoder,
        n_mel_channels: int,
        symbols_embedding_dim: int,
        pitch_embedding_kernel_size: int,
        max_token_duration: int = 75,
    ) -> None:
        super().__init__()
        self.encoder = encoder_module
        self.decoder = decoder_module
        self.duration_predictor = duration_predictor
        self.pitch_predictor = pitch_predictor
        self.aligner = aligner
        self.max_token_duration = max_token_duration
        self.pitch_emb = nn.Conv1d(
            1,
            symbols_embedding_dim,
            pitch_embedding_kernel_size,
            padding=pitch_embedding_kernel_size // 2,
        )
        self.proj = nn.Linear(symbols_embedding_dim, n_mel_channels)

    def forward(
        self,
        text: torch.Tensor,
        text_lens: torch.Tensor,
        spec: torch.Tensor | None = None,
        mel_lens: torch.Tensor | None = None,
        attn_prior: torch.Tensor | None = None,
        pitch_frames: torch.Tensor | None = None,
        pace: float = 1.0,
    ) -> dict[str, Any]:
        """With ``spec`` (training): teacher-forced outputs and the alignment; without it: the
        predicted mel (B, n_mel, T) and its lengths."""
        enc_out, enc_mask = self.encoder(text)
        log_durs_predicted = self.duration_predictor(enc_out, enc_mask)
        pitch_predicted = self.pitch_predictor(enc_out, enc_mask)
        out: dict[str, Any] = {
            "log_durs_predicted": log_durs_predicted,
            "pitch_predicted": pitch_predicted,
            "enc_mask": enc_mask,
        }
        if spec is not None:
            if mel_lens is None or pitch_frames is None:
                raise ValueError("training needs mel_lens and pitch_frames beside spec")
            text_emb = self.encoder.word_emb(text)
            attn_soft, attn_logprob = self.aligner(
                spec, text_emb.transpose(1, 2), enc_mask, attn_prior
            )
            attn_hard = binarize_attention(attn_soft, text_lens, mel_lens)
            durs = attn_hard.sum(2).squeeze(1)  # (B, T_text) frames per token
            out.update(attn_soft=attn_soft, attn_logprob=attn_logprob, attn_hard=attn_hard)
            out["durs"] = durs
            pitch = _token_pitch(pitch_frames, durs)
            out["pitch"] = pitch
            pace = 1.0
        else:
            durs = torch.clamp(torch.exp(log_durs_predicted) - 1, 0, self.max_token_duration)
            durs = torch.round(durs) * enc_mask
            pitch = pitch_predicted
        enc_out = enc_out + self.pitch_emb(pitch.unsqueeze(1)).transpose(1, 2)
        regulated, dec_lens = regulate_len(durs, enc_out, pace)
        if spec is not None:
            regulated = regulated[:, : spec.shape[2]]
            if regulated.shape[1] < spec.shape[2]:
                regulated = nn.functional.pad(
                    regulated, (0, 0, 0, spec.shape[2] - regulated.shape[1])
                )
        dec_lens = dec_lens.clamp_min(1)
        decoded = self.decoder(regulated, dec_lens)
        out["spect"] = self.proj(decoded).transpose(1, 2)  # (B, n_mel, T_mel)
        out["spect_lens"] = dec_lens
        return out


def _token_pitch(pitch_frames: torch.Tensor, durs: torch.Tensor) -> torch.Tensor:
    """Mean normalised pitch of each token's voiced frames (``pitch_frames`` is normalised,
    with unvoiced frames exactly 0)."""
    return average_features(pitch_frames, durs)
