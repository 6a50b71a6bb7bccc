"""The neural modules NeMo configs name: features, SpecAugment, Jasper encoder, CTC head, loss."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from asr_test_helpers import WAVS, fixture_state_dict, read_wav

from nemo.collections.asr.losses import CTCLoss
from nemo.collections.asr.modules import (
    AudioToMelSpectrogramPreprocessor,
    ConvASRDecoder,
    ConvASREncoder,
    SpectrogramAugmentation,
)
from nemo.collections.asr.parts.preprocessing.mel import mel_filterbank
from nemo.collections.asr.parts.submodules.jasper import SqueezeExcite


def block(**overrides):
    base = {
        "filters": 16,
        "repeat": 2,
        "kernel": [5],
        "stride": [1],
        "dilation": [1],
        "dropout": 0.0,
        "residual": True,
    }
    return {**base, **overrides}


# -- features ------------------------------------------------------------------------------------


def test_mel_filterbank_is_librosa_slaney_as_nemo_stores_it():
    stored = fixture_state_dict()["preprocessor.featurizer.fb"]  # written by NeMo (librosa)
    ours = torch.from_numpy(mel_filterbank(16000, 512, 64))[None]
    assert torch.allclose(ours, stored, atol=1e-7, rtol=0)


def test_features_match_an_independent_numpy_computation():
    """Pre-emphasis, centred zero-padded STFT (symmetric Hann), power, mel, log(x + 2^-24)."""
    pre = AudioToMelSpectrogramPreprocessor(normalize=None, n_fft=512, pad_to=0, dither=0.0)
    pre.eval()
    x = read_wav(WAVS[0]).numpy().astype(np.float64)
    emphasized = np.concatenate([x[:1], x[1:] - 0.97 * x[:-1]])
    padded = np.pad(emphasized, 256)
    window = np.zeros(512)
    window[96:416] = np.hanning(320)  # win_length 320 centred in n_fft 512, as torch.stft does
    frames = len(x) // 160
    spectra = [np.fft.rfft(padded[t * 160 : t * 160 + 512] * window) for t in range(frames)]
    power = np.abs(np.array(spectra)) ** 2
    expected = np.log(power @ mel_filterbank(16000, 512, 64).T.astype(np.float64) + 2**-24).T
    features, length = pre(
        input_signal=torch.from_numpy(x).float()[None], length=torch.tensor([len(x)])
    )
    # NeMo 3.0 counts floor(samples / hop) frames; the STFT's one more frame is masked
    assert int(length) == frames == features.shape[-1] - 1
    assert np.abs(features[0, :, :frames].numpy() - expected).max() < 2e-3


def test_frame_count_and_pad_to():
    pre = AudioToMelSpectrogramPreprocessor(pad_to=0, dither=0.0)
    signal = torch.randn(2, 16000)
    features, lengths = pre(input_signal=signal, length=torch.tensor([16000, 8000]))
    # NeMo 3.0 counts floor(samples / hop) frames (NeMo 1.0 had one more); the STFT's last,
    # partial frame stays in the tensor, masked
    assert lengths.tolist() == [100, 50]
    assert features.shape[-1] == 101
    assert torch.all(features[0, :, 100:] == 0.0)
    assert torch.all(features[1, :, 50:] == 0.0)  # beyond an utterance: pad_value
    pre16 = AudioToMelSpectrogramPreprocessor(pad_to=16, dither=0.0, pad_value=-5.0)
    padded, lengths16 = pre16(input_signal=signal, length=torch.tensor([16000, 8000]))
    assert padded.shape[-1] == 112 and lengths16.tolist() == [100, 50]
    assert torch.all(padded[:, :, 100:] == -5.0)
    assert torch.equal(padded[:, :, :50], features[:, :, :50])


def test_normalisation_per_feature_and_all_features():
    signal = torch.randn(1, 8000)
    length = torch.tensor([8000])
    per_feature, n = AudioToMelSpectrogramPreprocessor(pad_to=0, dither=0.0)(
        input_signal=signal, length=length
    )
    assert int(n) == 50
    per_feature = per_feature[..., :50]
    assert torch.allclose(per_feature.mean(dim=-1), torch.zeros(64), atol=1e-4)
    assert torch.allclose(per_feature.std(dim=-1), torch.ones(64), atol=1e-3)
    overall, _ = AudioToMelSpectrogramPreprocessor(normalize="all_features", pad_to=0, dither=0.0)(
        input_signal=signal, length=length
    )
    overall = overall[..., :50]
    assert abs(float(overall.mean())) < 1e-4 and abs(float(overall.std()) - 1) < 1e-3
    assert not torch.allclose(overall.mean(dim=-1), torch.zeros(64), atol=1e-2)


def test_log_zero_guard_keeps_silence_finite():
    pre = AudioToMelSpectrogramPreprocessor(normalize=None, pad_to=0, dither=0.0, preemph=None)
    silent, _ = pre(input_signal=torch.zeros(1, 1600), length=torch.tensor([1600]))
    silent = silent[..., :10]
    assert torch.allclose(silent, torch.full_like(silent, float(np.log(2.0**-24))))


def test_dither_only_in_training():
    pre = AudioToMelSpectrogramPreprocessor(pad_to=0, dither=1e-2)
    signal, length = torch.zeros(1, 3200), torch.tensor([3200])
    pre.eval()
    first, _ = pre(input_signal=signal, length=length)
    second, _ = pre(input_signal=signal, length=length)
    assert torch.equal(first, second)
    pre.train()
    noisy_a, _ = pre(input_signal=signal, length=length)
    noisy_b, _ = pre(input_signal=signal, length=length)
    assert not torch.equal(noisy_a, noisy_b)


def test_preprocessor_argument_errors():
    with pytest.raises(ValueError, match="both window_size"):
        AudioToMelSpectrogramPreprocessor(window_size=0.02, n_window_size=320)
    with pytest.raises(ValueError, match="use_torchaudio"):
        AudioToMelSpectrogramPreprocessor(use_torchaudio=True)
    with pytest.raises(ValueError, match="unknown normalize"):
        AudioToMelSpectrogramPreprocessor(normalize="per_utterance")
    pre = AudioToMelSpectrogramPreprocessor(pad_to=0)
    with pytest.raises(ValueError, match="one frame"):
        pre(input_signal=torch.randn(1, 200), length=torch.tensor([200]))


def test_spec_augment_masks_within_bounds_and_is_reproducible():
    spec = torch.ones(2, 64, 100)
    length = torch.tensor([100, 60])
    augment = SpectrogramAugmentation(
        freq_masks=2, time_masks=2, freq_width=8, time_width=10, rng=3
    )
    masked = augment(input_spec=spec, length=length)
    again = SpectrogramAugmentation(freq_masks=2, time_masks=2, freq_width=8, time_width=10, rng=3)(
        input_spec=spec, length=length
    )
    assert torch.equal(masked, again)
    assert 0 < int((masked == 0).sum()) < spec.numel() // 2
    zero_rows = (masked[0] == 0).all(dim=1).sum()  # frequency masks cover whole rows
    assert zero_rows <= 16
    none = SpectrogramAugmentation()(input_spec=spec, length=length)
    assert torch.equal(none, spec)


def test_spec_augment_without_rng_follows_the_process_generator():
    import copy
    import pickle
    import random

    spec, length = torch.ones(2, 64, 100), torch.tensor([100, 60])
    augment = SpectrogramAugmentation(freq_masks=2, time_masks=2, freq_width=8, time_width=10)
    random.seed(11)
    masked = augment(input_spec=spec, length=length)
    random.seed(11)
    state = random.getstate()
    # copies (deepcopy of a model, pickles for spawned workers) neither carry nor reset the state
    copied, unpickled = copy.deepcopy(augment), pickle.loads(pickle.dumps(augment))
    assert random.getstate() == state
    assert unpickled.spec_augment._rng is augment.spec_augment._rng
    assert torch.equal(copied(input_spec=spec, length=length), masked)
    random.seed(12)
    assert not torch.equal(augment(input_spec=spec, length=length), masked)
    with pytest.raises(TypeError, match="process-wide"):
        augment.spec_augment._rng.seed(3)


# -- encoder and decoder ----------------------------------------------------------------------


def test_encoder_masks_padding_so_batching_changes_nothing():
    torch.manual_seed(0)
    encoder = ConvASREncoder(
        jasper=[
            block(filters=16, repeat=1, kernel=[7], stride=[2], residual=False, separable=True),
            block(filters=16, kernel=[5], se=True, se_reduction_ratio=4),
            block(filters=24, repeat=1, kernel=[5], dilation=[2], residual=False),
        ],
        activation="relu",
        feat_in=8,
    ).eval()
    x = torch.randn(2, 8, 40)
    lengths = torch.tensor([40, 23])
    batched, out_len = encoder(audio_signal=x, length=lengths)
    single, single_len = encoder(audio_signal=x[1:, :, :23], length=lengths[1:])
    assert out_len.tolist() == [20, 12] and single_len.tolist() == [12]
    assert encoder.subsampling_factor == 2 and encoder._feat_out == 24
    assert torch.allclose(batched[1:, :, :12], single, atol=1e-6)


def test_encoder_layer_names_are_nemo_s():
    encoder = ConvASREncoder(
        jasper=[
            block(separable=True, residual=False, repeat=1),
            block(separable=True, se=True, se_reduction_ratio=8),
            block(residual_dense=True, residual=True),
            block(residual_dense=True, residual=True),
        ],
        activation="swish",
        feat_in=8,
    )
    keys = set(encoder.state_dict())
    assert {"encoder.0.mconv.0.conv.weight", "encoder.0.mconv.1.conv.weight"} <= keys
    # separable repeat 2: depthwise, pointwise, BN, act, dropout, depthwise, pointwise, BN, SE
    assert {"encoder.1.mconv.5.conv.weight", "encoder.1.mconv.8.fc.0.weight"} <= keys
    assert "encoder.1.res.0.0.conv.weight" in keys
    # dense residuals: block 3 adds its own input and every earlier dense block's input
    assert {"encoder.3.res.0.0.conv.weight", "encoder.3.res.1.0.conv.weight"} <= keys
    assert encoder.encoder[3].res[0][0].conv.in_channels == 16
    out, _ = encoder(audio_signal=torch.randn(1, 8, 12), length=torch.tensor([12]))
    assert out.shape == (1, 16, 12)


def test_hardtanh_activation_is_torch_default_range():
    # NeMo quirk kept: activation "hardtanh" clips to [-1, 1] (not the blocks' default 0..20)
    encoder = ConvASREncoder(
        jasper=[block(repeat=1, residual=False)], activation="hardtanh", feat_in=4
    )
    with torch.no_grad():
        out, _ = encoder(audio_signal=100 * torch.randn(2, 4, 30), length=torch.tensor([30, 30]))
    assert float(out.min()) >= -1.0 and float(out.max()) <= 1.0 and float(out.min()) < 0


def test_encoder_and_decoder_config_errors():
    with pytest.raises(ValueError, match="unknown activation 'gelux'"):
        ConvASREncoder(jasper=[block()], activation="gelux", feat_in=4)
    with pytest.raises(ValueError, match=r"jasper block 0 lacks required keys \['dropout'\]"):
        bad = block()
        del bad["dropout"]
        ConvASREncoder(jasper=[bad], activation="relu", feat_in=4)
    with pytest.raises(ValueError, match="stride > 1 or dilation > 1"):
        ConvASREncoder(jasper=[block(stride=[2], dilation=[2])], activation="relu", feat_in=4)
    with pytest.raises(ValueError, match="3 labels but decoder.num_classes is 4"):
        ConvASRDecoder(feat_in=8, num_classes=4, vocabulary=["a", "b", "c"])
    decoder = ConvASRDecoder(feat_in=8, num_classes=-1, vocabulary=["a", "b", "c"])
    assert decoder.num_classes_with_blank == 4
    logprobs = decoder(encoder_output=torch.randn(2, 8, 5))
    assert logprobs.shape == (2, 5, 4)
    assert torch.allclose(logprobs.exp().sum(-1), torch.ones(2, 5))


# -- loss ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean_batch", "mean_volume", "mean", "sum", "none"])
def test_ctc_loss_against_torch(reduction):
    torch.manual_seed(1)
    logprobs = torch.randn(3, 20, 6).log_softmax(-1)
    targets = torch.tensor([[1, 2, 2, 0], [3, 4, 0, 0], [0, 1, 2, 3]])
    in_len, tgt_len = torch.tensor([20, 15, 18]), torch.tensor([3, 2, 4])
    ours = CTCLoss(num_classes=5, reduction=reduction)(
        log_probs=logprobs, targets=targets, input_lengths=in_len, target_lengths=tgt_len
    )
    per_item = torch.nn.functional.ctc_loss(
        logprobs.transpose(0, 1), targets, in_len, tgt_len, blank=5, reduction="none"
    )
    expected = {
        "mean_batch": per_item.mean(),
        "mean_volume": per_item.sum() / tgt_len.sum(),
        "mean": (per_item / tgt_len).mean(),
        "sum": per_item.sum(),
        "none": per_item,
    }[reduction]
    assert torch.allclose(ours, expected)


def test_ctc_loss_errors_and_zero_infinity():
    with pytest.raises(ValueError, match="'average' is not one of"):
        CTCLoss(num_classes=5, reduction="average")
    impossible = dict(  # 3 targets cannot fit in 2 frames
        log_probs=torch.randn(1, 2, 6).log_softmax(-1),
        targets=torch.tensor([[1, 2, 3]]),
        input_lengths=torch.tensor([2]),
        target_lengths=torch.tensor([3]),
    )
    assert torch.isinf(CTCLoss(num_classes=5)(**impossible))
    assert float(CTCLoss(num_classes=5, zero_infinity=True)(**impossible)) == 0.0


def test_squeeze_excite_context_window_uses_the_first_frames_at_inference():
    # NeMo's choice, kept: with se_context_size >= 0 inference pools the first window only
    torch.manual_seed(0)
    se = SqueezeExcite(channels=8, reduction_ratio=2, context_window=4).eval()
    x = torch.randn(1, 8, 10)
    out, _ = se(x, torch.tensor([10]))
    gate = torch.sigmoid(se.fc(x[:, :, :4].mean(dim=-1)))
    assert torch.allclose(out, x * gate[:, :, None], atol=1e-6)
    whole = SqueezeExcite(channels=8, reduction_ratio=2, context_window=-1).eval()
    whole.load_state_dict(se.state_dict())
    out_whole, _ = whole(x, torch.tensor([10]))
    assert torch.allclose(
        out_whole, x * torch.sigmoid(se.fc(x.mean(dim=-1)))[:, :, None], atol=1e-6
    )


def test_frame_splicing_repeats_the_features_as_nemo_does():
    pre = AudioToMelSpectrogramPreprocessor(pad_to=0, dither=0.0, frame_splicing=3, normalize=None)
    features, _ = pre(input_signal=torch.randn(1, 3200), length=torch.tensor([3200]))
    assert features.shape[1] == 192
    assert torch.equal(features[:, :64], features[:, 64:128])
    encoder = ConvASREncoder(jasper=[block()], activation="relu", feat_in=64, frame_splicing=3)
    assert encoder._feat_in == 192
