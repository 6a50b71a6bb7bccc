"""CTC prefix beam search with a word n-gram language model: the model, the search, the
decoding strategy on the shipped recognizer, the archive, the build tool."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import torch

from nemo.collections.asr.parts.submodules.ctc_beam_search import ctc_prefix_beam_search
from nemo.collections.asr.parts.submodules.ctc_decoding import CTCDecoding
from nemo.collections.asr.parts.submodules.ngram_lm import NGramLM

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "data" / "speech_commands"
SENTENCES = ["turn on the lamp", "turn off the lamp", "open the door", "turn on the fan"]
LABELS = list(" abcdefghijklmnopqrstuvwxyz")


def test_the_language_model_is_a_distribution_in_every_context(tmp_path):
    lm = NGramLM.train(SENTENCES, order=3)
    outcomes = [*sorted(lm.vocabulary), "</s>", "<unk>"]
    for context in ([], ["turn"], ["turn", "on"], ["open", "the"], ["never", "seen"]):
        total = sum(math.exp(lm.log_prob(context, word)) for word in outcomes)
        assert total == pytest.approx(1.0, abs=1e-9)
    assert lm.log_prob(["turn"], "on") > lm.log_prob(["turn"], "door")
    assert lm.log_prob(["the"], "blamp") == lm.log_prob(["the"], "<unk>")
    again = NGramLM.read_arpa(lm.write_arpa(tmp_path / "lm.arpa"))
    for context, word in ((["turn", "on"], "the"), (["the"], "door"), ([], "fan")):
        assert again.log_prob(context, word) == pytest.approx(lm.log_prob(context, word), abs=1e-5)
    assert again.order == 3 and again.vocabulary == lm.vocabulary


def test_bad_language_models_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="lm.arpa' does not exist"):
        NGramLM.read_arpa(tmp_path / "lm.arpa")
    broken = tmp_path / "broken.arpa"
    broken.write_text("\\data\\\nngram 1=2\n\n\\1-grams:\n-1.0\n\\end\\\n")
    with pytest.raises(ValueError, match=r"broken.arpa', line 5: not an ARPA 1-gram entry"):
        NGramLM.read_arpa(broken)
    with pytest.raises(ValueError, match="no words to train"):
        NGramLM.train(["", "  "])


def _frames(*columns: dict[str, float]) -> torch.Tensor:
    """Log-probs (T, V+1) from each frame's probabilities; the rest goes to the blank."""
    rows = []
    for column in columns:
        row = torch.full((len(LABELS) + 1,), 1e-6)
        for label, p in column.items():
            row[LABELS.index(label)] = p
        row[-1] = 1.0 - row[:-1].sum()
        rows.append(row.log())
    return torch.stack(rows)


def test_the_beam_sums_paths_that_greedy_cannot():
    # each frame: blank 0.6, "a" 0.4; greedy says "", but "a" has 0.64 of the probability
    frames = _frames({"a": 0.4}, {"a": 0.4})
    greedy = CTCDecoding(None, LABELS).ctc_decoder_predictions_tensor(frames[None])[0].text
    beam = ctc_prefix_beam_search(frames, LABELS, beam_size=4, beta=0.0)
    assert greedy == "" and beam.text == "a"
    assert beam.ctc_log_prob == pytest.approx(math.log(0.64), abs=1e-4)


def test_the_language_model_turns_a_garbled_word_into_a_known_one():
    spoken = [{"t": 0.9}, {"h": 0.9}, {"e": 0.9}, {" ": 0.9}, {"b": 0.55}]
    spoken += [{"l": 0.9}, {"a": 0.9}, {"m": 0.9}, {"p": 0.9}]
    frames = _frames(*spoken)
    assert ctc_prefix_beam_search(frames, LABELS, beta=0.0).text == "the blamp"
    lm = NGramLM.train(SENTENCES, order=2)
    assert ctc_prefix_beam_search(frames, LABELS, lm=lm, alpha=1.0, beta=0.0).text == "the lamp"


@pytest.fixture(scope="module")
def recognizer():
    from nemo.collections.asr.models import EncDecCTCModel

    return EncDecCTCModel.from_pretrained("stt_en_commands_quartznet_small", map_location="cpu")


def _test_audio(count: int) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in (CORPUS / "test_manifest.json").read_text().splitlines()]
    return [str(CORPUS / r["audio_filepath"]) for r in rows[:count]], [r["text"] for r in rows]


def test_beam_decoding_with_the_lm_travels_in_the_archive(recognizer, tmp_path):
    from nemo.collections.asr.metrics.wer import word_error_rate
    from nemo.collections.asr.models import EncDecCTCModel

    lm_path = tmp_path / "lm.arpa"
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_ngram_lm.py"), "-o", str(lm_path),
         str(CORPUS / "train_manifest.json")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    files, texts = _test_audio(80)
    greedy = recognizer.transcribe(files, batch_size=16)
    beam_cfg = {"beam_size": 16, "beam_alpha": 0.5, "beam_beta": 1.0, "kenlm_path": str(lm_path)}
    recognizer.change_decoding_strategy({"strategy": "beam", "beam": beam_cfg})
    try:
        beam = recognizer.transcribe(files, batch_size=16)
        assert word_error_rate(beam, texts[:80]) <= word_error_rate(greedy, texts[:80])
        archive = tmp_path / "beam.nemo"
        recognizer.save_to(archive)
    finally:
        recognizer.change_decoding_strategy({"strategy": "greedy_batch"})
    with tarfile.open(archive) as tar:
        assert any(name.endswith("lm.arpa") for name in tar.getnames())
    lm_path.unlink()  # the restored model reads the archive's copy
    restored = EncDecCTCModel.restore_from(archive, map_location="cpu")
    assert restored.decoding.strategy == "beam" and restored.decoding.language_model is not None
    assert restored.transcribe(files[:20], batch_size=16) == beam[:20]
    assert recognizer.transcribe(files[:20], batch_size=16) == greedy[:20]


def test_a_language_model_the_labels_cannot_spell_is_refused(recognizer, tmp_path):
    lm = NGramLM.train(["turn ON the lamp", "café"], order=2).write_arpa(tmp_path / "lm.arpa")
    with pytest.raises(ValueError, match=r"does not match the model's vocabulary: its words use"):
        recognizer.change_decoding_strategy(
            {"strategy": "beam", "beam": {"beam_size": 4, "kenlm_path": str(lm)}}
        )
    assert recognizer.decoding.strategy == "greedy_batch"
    assert "kenlm_path" not in str(recognizer.cfg.get("decoding"))  # left as it was


def test_the_bundled_language_model_rebuilds_byte_for_byte(tmp_path):
    out = tmp_path / "lm.arpa"
    nlu_text = REPO / "data" / "smart_home_nlu" / "text_train.txt"
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_ngram_lm.py"), "--order", "3", "-o", str(out),
         str(CORPUS / "train_manifest.json"), str(nlu_text)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    assert out.read_bytes() == (REPO / "data" / "lm" / "commands_3gram.arpa").read_bytes()


def test_an_archive_whose_language_model_does_not_fit_is_refused_at_restore(recognizer, tmp_path):
    from nemo.collections.asr.models import EncDecCTCModel

    good = NGramLM.train(["turn on the lamp"], order=2).write_arpa(tmp_path / "lm.arpa")
    recognizer.change_decoding_strategy(
        {"strategy": "beam", "beam": {"beam_size": 4, "kenlm_path": str(good)}}
    )
    try:
        recognizer.save_to(tmp_path / "beam.nemo")
    finally:
        recognizer.change_decoding_strategy({"strategy": "greedy_batch"})
    bad = NGramLM.train(["turn ON the lamp"], order=2).write_arpa(tmp_path / "bad.arpa")
    tampered = tmp_path / "tampered.nemo"
    with tarfile.open(tmp_path / "beam.nemo") as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name.endswith("lm.arpa"):
                payload = bad.read_bytes()
                member.size = len(payload)
                data = io.BytesIO(payload)
            target.addfile(member, data)
    with pytest.raises(ValueError, match=r"does not match the model's vocabulary: its words use"):
        EncDecCTCModel.restore_from(tampered, map_location="cpu")
