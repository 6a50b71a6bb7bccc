"""The shipped nmt_en_de_commands: verified, restored offline, and it translates the bundled
test split (held-out phrasings included) at BLEU >= 90, >= 20 above a word-by-word dictionary
learned from the same training pairs, measured here, in the same run."""

from __future__ import annotations

import hashlib
from importlib.resources import files
from pathlib import Path

import pytest

from nemo.collections.nlp.data.machine_translation.machine_translation_dataset import (
    read_parallel_files,
)
from nemo.collections.nlp.models import MTEncDecModel
from nemo.collections.nlp.models.machine_translation.mt_enc_dec_model import corpus_bleu
from nemo.collections.nlp.models.machine_translation.word_baseline import WordByWordTranslator
from nemo.core import plugins

CORPUS = Path(__file__).resolve().parents[2] / "data" / "nmt_en_de_commands"
NAME = "nmt_en_de_commands"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEMO_OFFLINE", "1")
    monkeypatch.setenv("NEMO_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def model() -> MTEncDecModel:
    return MTEncDecModel.from_pretrained(NAME).eval()


def test_registered_with_a_checksum_that_matches_the_installed_file() -> None:
    info = plugins.pretrained.get(NAME).info
    assert info["location"] == f"package://nemo.collections.nlp/pretrained/{NAME}.nemo"
    data = files("nemo.collections.nlp").joinpath(f"pretrained/{NAME}.nemo").read_bytes()
    assert len(data) == info["size"] and hashlib.sha256(data).hexdigest() == info["sha256"]
    assert len(data) <= 20 * 1024 * 1024
    assert NAME in MTEncDecModel.get_available_model_names()


def test_bleu_on_the_test_split_beats_ninety_and_the_dictionary_by_twenty(model) -> None:
    test = read_parallel_files(CORPUS / "test.en", CORPUS / "test.de")
    sources, references = [s for s, _ in test], [t for _, t in test]
    hypotheses = model.translate(sources, source_lang="en", target_lang="de")
    baseline = WordByWordTranslator.fit(
        read_parallel_files(CORPUS / "train.en", CORPUS / "train.de")
    )
    ours, floor = (
        corpus_bleu(hypotheses, references),
        corpus_bleu(baseline.translate(sources), references),
    )
    print(f"BLEU {ours:.2f} vs word-by-word {floor:.2f}")
    assert ours >= 90.0 and ours - floor >= 20.0


def test_the_issues_example_and_agreement_it_was_never_shown(model) -> None:
    out = model.translate(
        [
            "turn on the red lamp in the living room",
            "where are my keys",
            "put my chair near the window",
        ]
    )
    assert out[0] == "schalte die rote Lampe im Wohnzimmer ein"
    assert out[1] == "wo sind meine Schlüssel"
    assert out[2] == "stell meinen Stuhl neben das Fenster"
