"""EncDecCTCModel: construction from NeMo configs, transcribe, change_vocabulary, training."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import soundfile as sf
import torch
from asr_test_helpers import (
    LABELS,
    WAVS,
    augmented_training_config,
    expected,
    load_fixture_model,
    read_wav,
    small_trainable_config,
    tiny_config,
    write_fixture_manifest,
)
from omegaconf import OmegaConf

from nemo.collections.asr.models import EncDecCTCModel
from nemo.collections.asr.parts.preprocessing.resample import resample
from nemo.collections.asr.parts.utils.rnnt_utils import Hypothesis

TEXTS = [expected()[w.name]["transcribe_text"] for w in WAVS]


# -- construction --------------------------------------------------------------------------


def test_nemo_unit_test_model_has_nemo_s_weight_count():
    model = EncDecCTCModel(cfg=tiny_config())
    # 64 + 65,536 + 2,048 (BN) + 262,144 (SE) encoder, 1024 * 29 + 29 decoder
    assert model.num_weights == 359_517
    assert model.cfg.encoder._target_ == "nemo.collections.asr.modules.ConvASREncoder"
    assert "cls" not in model.cfg.encoder and "params" not in model.cfg.encoder


def test_built_from_config_dict_and_config_files(tmp_path):
    model = EncDecCTCModel.from_config_dict(tiny_config())
    assert type(model) is EncDecCTCModel
    assert model.cfg.target == "nemo.collections.asr.models.ctc_models.EncDecCTCModel"
    path = tmp_path / "model.yaml"
    model.to_config_file(path)
    again = EncDecCTCModel.from_config_file(path)
    assert again.num_weights == model.num_weights
    assert list(again.decoder.vocabulary) == LABELS


def test_config_without_modules_is_refused():
    config = tiny_config()
    del config["encoder"]
    with pytest.raises(ValueError, match="lacks the section"):
        EncDecCTCModel(cfg=config)


def test_decoder_size_is_filled_in_from_encoder_and_labels():
    model = EncDecCTCModel(cfg=small_trainable_config())
    assert model.cfg.decoder.feat_in == 64
    assert model.cfg.decoder.num_classes == 28
    assert model.decoder.num_classes_with_blank == 29


def test_forward_takes_audio_or_features_not_both(model):
    x = read_wav(WAVS[0])[None]
    n = torch.tensor([x.shape[1]])
    features, feat_len = model.preprocessor(input_signal=x, length=n)
    with pytest.raises(ValueError, match="either input_signal"):
        model(
            input_signal=x,
            input_signal_length=n,
            processed_signal=features,
            processed_signal_length=feat_len,
        )
    with torch.no_grad():
        from_features = model(processed_signal=features, processed_signal_length=feat_len)[0]
        from_audio = model(input_signal=x, input_signal_length=n)[0]
    assert torch.equal(from_features, from_audio)
    with pytest.raises(ValueError, match="not neither"):
        model()


def test_batched_forward_equals_one_by_one():
    model = EncDecCTCModel(cfg=tiny_config())
    model.preprocessor.featurizer.dither = 0.0
    model.preprocessor.featurizer.pad_to = 0
    model.eval()
    signals = [read_wav(w) for w in WAVS[:3]]
    lengths = torch.tensor([len(s) for s in signals])
    batch = torch.zeros(3, int(lengths.max()))
    for row, s in enumerate(signals):
        batch[row, : len(s)] = s
    with torch.no_grad():
        batched, batched_len, _ = model(input_signal=batch, input_signal_length=lengths)
        for row, s in enumerate(signals):
            single, single_len, _ = model(
                input_signal=s[None], input_signal_length=torch.tensor([len(s)])
            )
            n = int(single_len)
            assert int(batched_len[row]) == n
            assert torch.allclose(batched[row, :n], single[0, :n], atol=1e-6)


# -- change_vocabulary ---------------------------------------------------------------------


def test_change_vocabulary_adds_one_output_per_label():
    model = EncDecCTCModel(cfg=tiny_config())
    before = model.num_weights
    encoder_weights = {k: v.clone() for k, v in model.encoder.state_dict().items()}
    model.change_vocabulary([*LABELS, "0", "1", "2"])
    assert model.num_weights == before + 3 * (1024 + 1)
    assert model.decoder.vocabulary[-3:] == ["0", "1", "2"]
    assert model.cfg.decoder.num_classes == 31
    assert list(model.cfg.decoder.vocabulary) == [*LABELS, "0", "1", "2"]
    assert model.decoding.blank_id == 31 and model.loss.blank == 31
    for key, value in model.encoder.state_dict().items():
        assert torch.equal(value, encoder_weights[key]), key


def test_change_vocabulary_updates_data_configs_and_keeps_same(caplog, tmp_path):
    config = small_trainable_config()
    config["train_ds"] = {
        "manifest_filepath": str(write_fixture_manifest(tmp_path / "m.json")),
        "batch_size": 2,
    }
    model = EncDecCTCModel(cfg=config)
    model.change_vocabulary(["a", "b", " "])
    assert list(model.cfg.train_ds.labels) == ["a", "b", " "]
    assert list(model.cfg.labels) == ["a", "b", " "]
    with caplog.at_level(logging.WARNING, logger="nemo"):
        model.change_vocabulary(["a", "b", " "])
    assert "the decoder is kept" in caplog.text
    with pytest.raises(ValueError, match="non-empty list of labels"):
        model.change_vocabulary([])


# -- transcribe ----------------------------------------------------------------------------


def test_transcribe_every_input_kind(model, tmp_path):
    x = read_wav(WAVS[1])
    x48 = resample(x, 16000, 48000)
    wav48 = tmp_path / "utt1_48k.wav"
    sf.write(wav48, x48.numpy(), 48000, subtype="FLOAT")
    pcm16 = (x.numpy() * 32768).round().clip(-32768, 32767).astype(np.int16)
    stereo = np.stack([x.numpy(), x.numpy()], axis=1)  # (time, channels)
    inputs = [
        str(WAVS[1]),  # str path
        WAVS[1],  # Path
        x.numpy(),  # numpy float at the model's rate
        x,  # torch tensor
        pcm16,  # integer PCM
        (x48.numpy(), 48000),  # (array, rate): resampled
        str(wav48),  # file at another rate: resampled
        stereo,  # channels averaged
    ]
    assert model.transcribe(inputs, batch_size=3) == [TEXTS[1]] * len(inputs)
    assert model.transcribe(x48, sample_rate=48000) == [TEXTS[1]]
    assert model.transcribe(str(WAVS[2])) == [TEXTS[2]]  # a single input
    assert model.transcribe([]) == []  # decision: NeMo 1.0 returned {}


def test_transcribe_returns_input_order_whatever_the_batching(model):
    order = [WAVS[2], WAVS[0], WAVS[3], WAVS[1], WAVS[0]]
    want = [expected()[w.name]["transcribe_text"] for w in order]
    for batch_size in (1, 2, 5):
        assert model.transcribe([str(w) for w in order], batch_size=batch_size) == want
    assert model.transcribe([str(w) for w in order], batch_size=2, num_workers=1) == want


def test_transcribe_hypotheses_carry_logprobs_and_timestamps(model):
    hypotheses = model.transcribe([str(w) for w in WAVS[:2]], return_hypotheses=True)
    assert all(isinstance(h, Hypothesis) for h in hypotheses)
    x = read_wav(WAVS[0])
    with torch.no_grad():
        logprobs, length, _ = model(
            input_signal=x[None], input_signal_length=torch.tensor([len(x)])
        )
    first = hypotheses[0]
    assert first.text == TEXTS[0]
    assert first.y_sequence.shape == (int(length), 29)
    assert torch.allclose(first.y_sequence, logprobs[0, : int(length)], atol=1e-5)
    words = first.timestamp["word"]
    assert [w["word"] for w in words] == TEXTS[0].split()
    duration = expected()["utt0.wav"]["samples"] / 16000
    for word in words:
        assert word["start"] == pytest.approx(word["start_offset"] * 0.02)
        assert 0 <= word["start"] < word["end"] <= duration + 0.02
    starts = [w["start"] for w in words]
    assert starts == sorted(starts)
    chars = first.timestamp["char"]
    assert "".join(c["char"] for c in chars) == TEXTS[0]
    assert model.transcribe(str(WAVS[0]), timestamps=True)[0].timestamp["word"] == words


def test_transcribe_restores_mode_dither_and_padding():
    model = load_fixture_model()
    model.preprocessor.featurizer.dither = 1e-5
    model.train()
    model.encoder.eval()  # a mixed state must come back as it was
    assert model.transcribe(str(WAVS[0])) == [TEXTS[0]]
    assert model.training and model.decoder.training and not model.encoder.training
    assert model.preprocessor.featurizer.dither == 1e-5
    assert model.preprocessor.featurizer.pad_to == 16


def test_transcribe_errors_name_the_input(model, tmp_path):
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(100))
    empty = tmp_path / "empty.wav"
    sf.write(empty, np.zeros(0, dtype=np.float32), 16000)
    short = tmp_path / "short.wav"
    sf.write(short, np.zeros(100, dtype=np.float32), 16000)
    missing = tmp_path / "missing.wav"
    with pytest.raises(ValueError, match=r"corrupt\.wav' cannot be read as audio"):
        model.transcribe([str(WAVS[0]), str(corrupt)])
    with pytest.raises(ValueError, match=r"empty\.wav' holds no samples"):
        model.transcribe([str(empty)])
    with pytest.raises(ValueError, match=r"short\.wav' is too short: 100 samples"):
        model.transcribe([str(short)])
    with pytest.raises(FileNotFoundError, match=r"missing\.wav' does not exist"):
        model.transcribe([str(missing)])
    with pytest.raises(FileNotFoundError, match="is not a file"):
        model.transcribe([str(tmp_path)])
    with pytest.raises(TypeError, match="audio input #1 is a dict"):
        model.transcribe([str(WAVS[0]), {"audio": 1}])
    with pytest.raises(ValueError, match=r"audio input #0 is not usable audio"):
        model.transcribe([np.zeros((2, 3, 4), dtype=np.float32)])
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        model.transcribe(str(WAVS[0]), batch_size=0)


# -- training ------------------------------------------------------------------------------


def test_a_few_training_steps_lower_the_loss_and_log_nemo_metrics(tmp_path, quiet_trainer):
    torch.manual_seed(0)
    manifest = str(write_fixture_manifest(tmp_path / "manifest.json"))
    config = OmegaConf.create(small_trainable_config())
    config.train_ds = {"manifest_filepath": manifest, "batch_size": 4, "shuffle": False}
    config.validation_ds = {"manifest_filepath": manifest, "batch_size": 2}
    config.test_ds = {"manifest_filepath": manifest, "batch_size": 4}
    config.optim = {"name": "adam", "lr": 0.01}
    trainer = quiet_trainer(max_steps=8, log_every_n_steps=1, num_sanity_val_steps=0)
    model = EncDecCTCModel(cfg=config, trainer=trainer)
    batch = next(iter(model.train_dataloader()))
    audio, audio_len, tokens, token_len = batch
    assert audio.shape[0] == 4 and token_len.tolist() == [len(t) for t in _references()]

    def eval_loss() -> float:
        model.eval()
        with torch.no_grad():
            logprobs, enc_len, _ = model(input_signal=audio, input_signal_length=audio_len)
            value = model.loss(
                log_probs=logprobs, targets=tokens, input_lengths=enc_len, target_lengths=token_len
            )
        model.train()
        return float(value)

    before = eval_loss()
    trainer.fit(model)
    assert trainer.global_step == 8
    assert eval_loss() < before
    metrics = trainer.callback_metrics
    for key in ("train_loss", "learning_rate", "training_batch_wer", "val_loss", "val_wer"):
        assert key in metrics, key
    assert float(metrics["learning_rate"]) == pytest.approx(0.01)
    assert float(metrics["val_wer"]) >= 0.0
    [tested] = trainer.test(model, verbose=False)
    assert set(tested) == {"test_loss", "test_wer"}
    assert tested["test_loss"] == pytest.approx(eval_loss(), rel=1e-4)  # one batch of all four


def _seeded_training(tmp_path, quiet_trainer, seed: int) -> dict[str, torch.Tensor]:
    import pytorch_lightning as pl

    pl.seed_everything(seed)
    config = augmented_training_config(write_fixture_manifest(tmp_path / "manifest.json"))
    model = EncDecCTCModel(cfg=config, trainer=quiet_trainer(max_steps=4))
    model.trainer.fit(model)
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


def test_a_seeded_training_with_augmentation_is_reproducible(tmp_path, quiet_trainer):
    # SpecAugment, the waveform augmentor, dropout and shuffling all follow seed_everything.
    first = _seeded_training(tmp_path / "a", quiet_trainer, seed=7)
    again = _seeded_training(tmp_path / "b", quiet_trainer, seed=7)
    other = _seeded_training(tmp_path / "c", quiet_trainer, seed=8)
    assert all(torch.equal(first[name], again[name]) for name in first)
    assert not all(torch.equal(first[name], other[name]) for name in first)


def _references() -> list[str]:
    return [expected()[w.name]["reference_text"] for w in WAVS]
