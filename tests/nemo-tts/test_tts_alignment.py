"""Alignment helpers: the monotonic search, the prior, length regulation, pitch, the losses."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from nemo.collections.tts.losses.aligner_loss import BinLoss, ForwardSumLoss
from nemo.collections.tts.parts.utils.helpers import (
    average_features,
    beta_binomial_prior_distribution,
    binarize_attention,
    mas,
    regulate_len,
)
from nemo.collections.tts.parts.utils.pitch import extract_pitch


def _monotonic_paths(mel_len: int, text_len: int):
    """Every assignment of frames to tokens in order, each token at least one frame."""
    for cuts in itertools.combinations(range(1, mel_len), text_len - 1):
        bounds = (0, *cuts, mel_len)
        path = np.zeros((mel_len, text_len))
        for token in range(text_len):
            path[bounds[token] : bounds[token + 1], token] = 1
        yield path


@pytest.mark.parametrize("seed", range(6))
def test_mas_finds_the_best_monotonic_path(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mel_len, text_len = 7, 3
    log_attn = np.log(rng.dirichlet(np.ones(text_len), size=mel_len))
    best = max(_monotonic_paths(mel_len, text_len), key=lambda p: float((p * log_attn).sum()))
    found = mas(log_attn, text_len, mel_len)
    assert float((found * log_attn).sum()) == pytest.approx(float((best * log_attn).sum()))
    assert (found.sum(1) == 1).all() and (found.sum(0) >= 1).all()


def test_binarize_attention_respects_each_length() -> None:
    soft = torch.softmax(torch.randn(2, 1, 9, 4), dim=3)
    hard = binarize_attention(soft, torch.tensor([4, 2]), torch.tensor([9, 5]))
    assert hard[0, 0].sum(1).tolist() == [1.0] * 9
    assert hard[1, 0, :5, :2].sum().item() == 5 and hard[1, 0, 5:].sum() == 0
    assert hard[1, 0, :, 2:].sum() == 0


def test_prior_rows_are_distributions_moving_along_the_diagonal() -> None:
    prior = beta_binomial_prior_distribution(6, 30)
    assert torch.allclose(prior.sum(1), torch.ones(30), atol=1e-5)
    peaks = prior.argmax(1)
    assert peaks[0] == 0 and peaks[-1] == 5 and bool((peaks[1:] >= peaks[:-1]).all())


def test_regulate_len_repeats_each_token_its_duration() -> None:
    enc = torch.arange(6.0).view(1, 3, 2)
    out, lengths = regulate_len(torch.tensor([[2, 0, 3]]), enc)
    assert lengths.tolist() == [5]
    assert out[0, :, 0].tolist() == [0.0, 0.0, 4.0, 4.0, 4.0]
    _, slower_lengths = regulate_len(torch.tensor([[2, 0, 3]]), enc, pace=0.5)
    assert slower_lengths.tolist() == [10]


def test_average_features_skips_unvoiced_frames() -> None:
    values = torch.tensor([[100.0, 0.0, 120.0, 0.0, 0.0, 90.0]])
    assert average_features(values, torch.tensor([[3, 2, 1]])).tolist() == [[110.0, 0.0, 90.0]]


@pytest.mark.parametrize("f0", [80.0, 150.0, 260.0])
def test_pitch_of_a_harmonic_tone(f0: float) -> None:
    t = torch.arange(16000) / 16000
    tone = 0.3 * torch.sin(2 * math.pi * f0 * t) + 0.1 * torch.sin(2 * math.pi * 2 * f0 * t)
    audio = torch.cat([torch.zeros(4000), tone])  # a silent start is unvoiced
    pitch = extract_pitch(audio, 16000, 256, 1024, len(audio) // 256)
    assert (pitch[:10] == 0).all()
    assert pitch[30:70].median().item() == pytest.approx(f0, rel=0.03)


def test_forward_sum_loss_is_finite_with_padding_and_prefers_the_right_alignment() -> None:
    """Padding once made the gradients NaN (CTC's backward on -inf); the loss must also be
    lower for an attention that follows the diagonal than for one that does not."""
    mel_len, text_len = 12, 4
    diagonal = torch.full((mel_len, text_len), -8.0)
    for frame in range(mel_len):
        diagonal[frame, frame * text_len // mel_len] = 0.0
    batch = torch.stack([diagonal, diagonal.flip(1)]).unsqueeze(1)
    batch = torch.nn.functional.pad(batch, (0, 2, 0, 3)).requires_grad_()
    in_lens, out_lens = torch.tensor([4, 4]), torch.tensor([12, 12])
    loss = ForwardSumLoss()
    loss(batch, in_lens, out_lens).backward()
    assert torch.isfinite(batch.grad).all()
    good = loss(batch[:1], in_lens[:1], out_lens[:1])
    bad = loss(batch[1:], in_lens[1:], out_lens[1:])
    assert good < bad


def test_bin_loss_is_zero_when_soft_equals_hard() -> None:
    hard = torch.eye(3).view(1, 1, 3, 3)
    assert BinLoss()(hard, hard).item() == pytest.approx(0.0, abs=1e-6)
    assert BinLoss()(hard, torch.full_like(hard, 1 / 3)).item() == pytest.approx(math.log(3))


def test_mel_cepstral_distortion_is_zero_for_the_same_speech_and_grows_with_noise() -> None:
    from nemo.collections.tts.metrics import mel_cepstral_distortion

    torch.manual_seed(0)
    mel = torch.randn(80, 40) - 5
    assert mel_cepstral_distortion(mel, mel) == pytest.approx(0.0, abs=1e-9)
    stretched = mel.repeat_interleave(2, dim=1)  # the same speech, slower: DTW pairs it up
    assert mel_cepstral_distortion(mel, stretched) == pytest.approx(0.0, abs=1e-9)
    small = mel_cepstral_distortion(mel, mel + 0.1 * torch.randn_like(mel))
    large = mel_cepstral_distortion(mel, mel + 1.0 * torch.randn_like(mel))
    assert 0 < small < large
    with pytest.raises(ValueError, match="80 and 64 mel bins"):
        mel_cepstral_distortion(mel, mel[:64])
