"""A checkpoint made by NVIDIA NeMo 3.0 gives NeMo's numbers and transcripts here."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import torch
from asr_test_helpers import (
    FIXTURE,
    FIXTURE_NEMO,
    WAVS,
    expected,
    load_fixture_model,
    log_probs,
    read_wav,
)

from nemo.collections.asr.models import EncDecCTCModel
from nemo.core.classes import ModelPT

TOLERANCE = 1e-4


def _arrays(name: str) -> dict[str, np.ndarray]:
    stem = name.removesuffix(".wav")
    return {
        kind: np.load(FIXTURE / f"{stem}.{kind}.npy")
        for kind in ("features", "encoded", "logprobs")
    }


@pytest.mark.parametrize("wav", WAVS, ids=lambda p: p.name)
def test_features_encoder_and_logprobs_match_nemo(model, wav):
    reference = _arrays(wav.name)
    facts = expected()[wav.name]
    x = read_wav(wav)
    assert len(x) == facts["samples"]
    with torch.no_grad():
        features, feat_len = model.preprocessor(input_signal=x[None], length=torch.tensor([len(x)]))
        encoded, enc_len = model.encoder(audio_signal=features, length=feat_len)
        logprobs = model.decoder(encoder_output=encoded)
    assert int(feat_len) == facts["features_length"]
    assert int(enc_len) == facts["encoded_length"]
    assert features.shape == reference["features"].shape  # padded to a multiple of pad_to=16
    for kind, ours in (("features", features), ("encoded", encoded), ("logprobs", logprobs)):
        assert np.abs(ours.numpy() - reference[kind]).max() < TOLERANCE, kind


def test_greedy_text_of_nemo_logprobs_and_ours(model):
    for wav in WAVS:
        facts = expected()[wav.name]
        nemo_logprobs = torch.from_numpy(_arrays(wav.name)["logprobs"])
        lengths = torch.tensor([facts["encoded_length"]])
        [hypothesis] = model.decoding.ctc_decoder_predictions_tensor(nemo_logprobs, lengths)
        assert hypothesis.text == facts["greedy_text"]


def test_transcribe_gives_nemo_transcripts_in_input_order(model):
    texts = model.transcribe([str(w) for w in WAVS], batch_size=3)
    assert texts == [expected()[w.name]["transcribe_text"] for w in WAVS]


def test_model_config_and_keys_are_nemo_s(model):
    assert model.cfg.target == "nemo.collections.asr.models.ctc_models.EncDecCTCModel"
    keys = set(model.state_dict())
    assert "encoder.encoder.1.mconv.5.conv.weight" in keys
    assert "encoder.encoder.1.res.0.0.conv.weight" in keys
    assert "preprocessor.featurizer.fb" in keys
    assert "decoder.decoder_layers.0.bias" in keys
    # NeMo 3.0's decoding section is kept as written, strategy and all
    assert model.cfg.decoding.strategy == "greedy_batch"
    assert model.decoding.time_stride == pytest.approx(0.02)  # 10 ms hop x stride 2


def test_config_keys_nemo_writes_that_are_not_used_give_one_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="nemo"):
        model = load_fixture_model()
    warnings = [
        r.getMessage() for r in caplog.records if "ignores the config keys" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert "nemo_version" in warnings[0]
    assert model.cfg.nemo_version == "3.0.0"  # kept, so saving writes it back


def test_restore_from_on_modelpt_builds_the_class_the_archive_names():
    restored = ModelPT.restore_from(FIXTURE_NEMO, map_location="cpu")
    assert type(restored) is EncDecCTCModel
    reference = load_fixture_model()
    for key, value in reference.state_dict().items():
        assert torch.equal(restored.state_dict()[key], value), key
    assert restored.transcribe(str(WAVS[0])) == [expected()["utt0.wav"]["transcribe_text"]]


def test_save_then_restore_gives_the_same_outputs(model, tmp_path):
    path = tmp_path / "copy.nemo"
    model.save_to(path)
    restored = EncDecCTCModel.restore_from(path, map_location="cpu")
    restored.eval()
    x = read_wav(WAVS[1])
    assert torch.equal(log_probs(model, x), log_probs(restored, x))
    assert restored.cfg.nemo_version == "3.0.0"
