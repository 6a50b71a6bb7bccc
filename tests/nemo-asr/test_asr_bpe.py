"""Subword CTC: sentencepiece tokenizers, EncDecCTCModelBPE and its archived tokenizer."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import torch
import yaml
from asr_test_helpers import (
    WAVS,
    expected,
    log_probs,
    read_wav,
    small_trainable_config,
    write_fixture_manifest,
)
from omegaconf import OmegaConf

from nemo.collections.asr.models import EncDecCTCModelBPE
from nemo.collections.asr.parts.submodules.ctc_decoding import CTCBPEDecoding
from nemo.core.tokenizers import SentencePieceTokenizer, train_sentencepiece_tokenizer

REPO = Path(__file__).resolve().parents[2]
SENTENCES = [
    "turn the white light on",
    "put the gray camera under the table",
    "give that white music under zero",
    "play this brown light three",
    "turn off the brown camera",
    "put that music on the white table",
]


@pytest.fixture(scope="module")
def tokenizer_dir(tmp_path_factory) -> Path:
    return train_sentencepiece_tokenizer(SENTENCES, tmp_path_factory.mktemp("tok") / "spe", 48)


def bpe_config(tokenizer_dir: Path) -> dict:
    config = small_trainable_config()
    del config["labels"]
    config["decoder"]["vocabulary"] = None
    config["tokenizer"] = {"dir": str(tokenizer_dir), "type": "bpe"}
    return config


def test_tokenizer_round_trip(tokenizer_dir):
    assert sorted(p.name for p in tokenizer_dir.iterdir()) == [
        "tokenizer.model",
        "tokenizer.vocab",
        "vocab.txt",
    ]
    tokenizer = SentencePieceTokenizer(tokenizer_dir / "tokenizer.model")
    assert tokenizer.vocab_size <= 48 and tokenizer.vocab[0] == "<unk>"
    text = "turn the gray camera on"
    ids = tokenizer.text_to_ids(text)
    assert tokenizer.ids_to_text(ids) == text
    pieces = tokenizer.text_to_tokens(text)
    assert tokenizer.tokens_to_ids(pieces) == ids and tokenizer.ids_to_tokens(ids) == pieces
    assert tokenizer.tokens_to_text(pieces) == text
    assert len(ids) < len(text)  # subwords, not characters
    vocab_txt = (tokenizer_dir / "vocab.txt").read_text().split("\n")
    assert "the" in vocab_txt  # "▁the" in WordPiece spelling


def test_tokenizer_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.model.*does not exist"):
        SentencePieceTokenizer(tmp_path / "nope.model")
    (tmp_path / "bad.model").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="is not a sentencepiece model"):
        SentencePieceTokenizer(tmp_path / "bad.model")
    with pytest.raises(ValueError, match="no text to train a tokenizer on"):
        train_sentencepiece_tokenizer(["", "  "], tmp_path / "t", 10)
    with pytest.raises(ValueError, match="model_type 'wordpiece'"):
        train_sentencepiece_tokenizer(SENTENCES, tmp_path / "t", 10, model_type="wordpiece")


def test_bpe_model_vocabulary_is_the_tokenizer_s(tokenizer_dir):
    model = EncDecCTCModelBPE(cfg=bpe_config(tokenizer_dir))
    tokenizer = model.tokenizer
    assert list(model.decoder.vocabulary) == tokenizer.vocab
    assert model.decoder.num_classes_with_blank == tokenizer.vocab_size + 1
    assert model.cfg.tokenizer.model_path == str((tokenizer_dir / "tokenizer.model").resolve())
    assert set(model.artifacts) == {
        "tokenizer.model_path",
        "tokenizer.vocab_path",
        "tokenizer.spe_tokenizer_vocab",
    }
    texts = model.transcribe([str(w) for w in WAVS[:2]])
    assert len(texts) == 2 and all(isinstance(t, str) for t in texts)


def test_bpe_word_timestamps_follow_word_starts(tokenizer_dir):
    tokenizer = SentencePieceTokenizer(tokenizer_dir / "tokenizer.model")
    decoding = CTCBPEDecoding({"strategy": "greedy_batch"}, tokenizer)
    decoding.time_stride = 0.08
    text = "put the gray camera"
    frames = []
    for token in tokenizer.text_to_ids(text):
        frames += [token, token, decoding.blank_id]
    [hyp] = decoding.ctc_decoder_predictions_tensor(
        torch.tensor([frames]), torch.tensor([len(frames)]), return_hypotheses=True
    )
    assert hyp.text == text
    words = hyp.timestamp["word"]
    assert [w["word"] for w in words] == text.split()
    assert words[0]["start_offset"] == 0 and words[0]["start"] == 0.0
    assert words[-1]["end_offset"] == len(frames) - 1
    assert words[1]["start"] == pytest.approx(words[1]["start_offset"] * 0.08)


def test_bpe_save_restore_carries_the_tokenizer(tokenizer_dir, tmp_path):
    own_dir = tmp_path / "tokenizer"
    shutil.copytree(tokenizer_dir, own_dir)
    model = EncDecCTCModelBPE(cfg=bpe_config(own_dir))
    model.eval()
    archive = tmp_path / "bpe.nemo"
    model.save_to(archive)
    shutil.rmtree(own_dir)  # the archive must not need the original files

    with tarfile.open(archive) as tar:
        names = [Path(m.name).name for m in tar.getmembers()]
        config = yaml.safe_load(tar.extractfile(next(
            m for m in tar.getmembers() if m.name.endswith("model_config.yaml")
        )).read())  # fmt: skip
    assert any(name.endswith("_tokenizer.model") for name in names)
    assert config["tokenizer"]["model_path"].startswith("nemo:")

    restored = EncDecCTCModelBPE.restore_from(archive, map_location="cpu")
    restored.eval()
    assert restored.tokenizer.vocab == model.tokenizer.vocab
    x = read_wav(WAVS[0])
    assert torch.equal(log_probs(model, x), log_probs(restored, x))
    assert restored.tokenizer.ids_to_text(restored.tokenizer.text_to_ids("turn on")) == "turn on"
    # and a restored model can be saved again (its tokenizer now comes from the first archive)
    restored.save_to(tmp_path / "again.nemo")
    again = EncDecCTCModelBPE.restore_from(tmp_path / "again.nemo", map_location="cpu")
    assert again.tokenizer.vocab == model.tokenizer.vocab


def test_bpe_change_vocabulary_to_another_tokenizer(tokenizer_dir, tmp_path):
    model = EncDecCTCModelBPE(cfg=bpe_config(tokenizer_dir))
    encoder = {k: v.clone() for k, v in model.encoder.state_dict().items()}
    other = train_sentencepiece_tokenizer(SENTENCES, tmp_path / "small", 30)
    size = SentencePieceTokenizer(other / "tokenizer.model").vocab_size
    with pytest.warns(UserWarning, match="registered before"):
        model.change_vocabulary(other)
    assert model.tokenizer.vocab_size == size
    assert model.decoder.num_classes_with_blank == size + 1
    assert model.cfg.tokenizer.dir == str(other)
    assert model.cfg.decoder.num_classes == size
    assert model.decoding.blank_id == size
    for key, value in model.encoder.state_dict().items():
        assert torch.equal(value, encoder[key])
    with pytest.raises(NotADirectoryError, match="new_tokenizer_dir"):
        model.change_vocabulary(tmp_path / "missing")


def test_bpe_data_sets_use_the_tokenizer(tokenizer_dir, tmp_path):
    config = OmegaConf.create(bpe_config(tokenizer_dir))
    manifest = str(write_fixture_manifest(tmp_path / "m.json"))
    config.train_ds = {"manifest_filepath": manifest, "batch_size": 4, "shuffle": False}
    model = EncDecCTCModelBPE(cfg=config)
    _, _, tokens, token_len = next(iter(model.train_dataloader()))
    first = tokens[0, : int(token_len[0])].tolist()
    assert model.tokenizer.ids_to_text(first) == expected()["utt0.wav"]["reference_text"]


def test_bpe_config_errors(tokenizer_dir):
    config = bpe_config(tokenizer_dir)
    config["tokenizer"]["type"] = "wpe"
    with pytest.raises(ValueError, match="only 'bpe'"):
        EncDecCTCModelBPE(cfg=config)
    config = bpe_config(tokenizer_dir)
    del config["tokenizer"]
    with pytest.raises(ValueError, match="needs a tokenizer section"):
        EncDecCTCModelBPE(cfg=config)


def test_tokenizer_tool_trains_from_manifests(tmp_path):
    manifest = write_fixture_manifest(tmp_path / "train.json")
    tool = REPO / "tools" / "process_asr_text_tokenizer.py"
    run = subprocess.run(
        [sys.executable, str(tool), "--manifest", str(manifest), "--data_root", str(tmp_path),
         "--vocab_size", "32", "--spe_type", "bpe"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = tmp_path / "tokenizer_spe_bpe_v32"
    assert run.stdout.strip() == str(out)
    assert (out / "tokenizer.model").is_file()
    corpus = (tmp_path / "text_corpus" / "document.txt").read_text().splitlines()
    assert corpus == [expected()[w.name]["reference_text"] for w in WAVS]
    failed = subprocess.run(
        [sys.executable, str(tool), "--manifest", str(tmp_path / "nope.json"),
         "--data_root", str(tmp_path), "--vocab_size", "32"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert failed.returncode == 1
    assert "nope.json' does not exist" in failed.stderr
