"""The FFT depthwise convolution equals torch's direct one, values and gradients."""

from __future__ import annotations

import itertools

import pytest
import torch

from nemo.collections.asr.parts.submodules import _depthwise_fft
from nemo.collections.asr.parts.submodules._conv_layers import MaskedConv1d

CASES = [
    (channels, taps, stride, dilation, pad, frames)
    for channels, taps, stride, dilation, same, frames in itertools.product(
        [3, 8], [1, 2, 5, 33], [1, 2], [1, 2], [0, 1, None], [7, 50]
    )
    for pad in [dilation * (taps - 1) // 2 if same is None else same]
    # stride with dilation is not a Jasper convolution; too few frames leave no output
    if not (stride > 1 and dilation > 1) and frames + 2 * pad >= dilation * (taps - 1) + 1
]


@pytest.mark.parametrize(("channels", "taps", "stride", "dilation", "pad", "frames"), CASES)
def test_values_and_gradients_equal_conv1d(
    channels: int, taps: int, stride: int, dilation: int, pad: int, frames: int
) -> None:
    generator = torch.Generator().manual_seed(taps * 100 + frames)
    x = torch.randn(2, channels, frames, dtype=torch.float64, generator=generator)
    weight = torch.randn(channels, 1, taps, dtype=torch.float64, generator=generator)
    bias = torch.randn(channels, dtype=torch.float64, generator=generator)
    inputs = [t.clone().requires_grad_() for t in (x, weight, bias)]
    expected = torch.nn.functional.conv1d(*inputs, stride, pad, dilation, channels)
    expected.square().sum().backward()
    mine = [t.clone().requires_grad_() for t in (x, weight, bias)]
    got = _depthwise_fft.depthwise_conv1d(*mine, stride, pad, dilation)
    got.square().sum().backward()
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-10)
    for theirs, ours in zip(inputs, mine, strict=True):
        torch.testing.assert_close(ours.grad, theirs.grad, rtol=0, atol=1e-9)


def test_asymmetric_padding() -> None:
    x = torch.randn(1, 4, 20, dtype=torch.float64)
    weight = torch.randn(4, 1, 7, dtype=torch.float64)
    expected = torch.nn.functional.conv1d(torch.nn.functional.pad(x, (6, 0)), weight, groups=4)
    torch.testing.assert_close(_depthwise_fft.depthwise_conv1d(x, weight, padding=(6, 0)), expected)


def test_masked_conv_uses_it_on_cpu_and_matches_the_direct_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conv = MaskedConv1d(16, 16, 33, padding=16, groups=16)
    x, lengths = torch.randn(3, 16, 40), torch.tensor([40, 31, 9])
    calls = []
    real = _depthwise_fft.depthwise_conv1d
    monkeypatch.setattr(
        _depthwise_fft, "depthwise_conv1d", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    fft_out, fft_len = conv(x, lengths)
    assert calls, "a long depthwise kernel on CPU goes through the FFT"
    monkeypatch.setenv("NEMO_DEPTHWISE_CONV", "direct")
    direct_out, direct_len = conv(x, lengths)
    assert len(calls) == 1
    torch.testing.assert_close(fft_out, direct_out, rtol=1e-5, atol=1e-5)
    assert torch.equal(fft_len, direct_len)


def test_pointwise_and_short_kernels_stay_direct() -> None:
    x = torch.zeros(1, 4, 10)
    assert not _depthwise_fft.use_fft(x, 3)
    assert _depthwise_fft.use_fft(x, 33)
    assert not _depthwise_fft.use_fft(x.to(torch.bfloat16), 33)


def test_bad_mode_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEMO_DEPTHWISE_CONV", "fast")
    with pytest.raises(ValueError, match="NEMO_DEPTHWISE_CONV='fast'.*auto, fft, direct"):
        _depthwise_fft.use_fft(torch.zeros(1, 1, 4), 33)
