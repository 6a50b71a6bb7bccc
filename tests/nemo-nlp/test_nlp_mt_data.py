"""The English->German corpus (grammar, honest splits) and the parallel-text dataset's checks."""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from nemo.collections.nlp.data.machine_translation.machine_translation_dataset import (
    TranslationDataset,
    read_parallel_files,
)
from nemo.core.tokenizers import WordTokenizer

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "nmt_en_de_commands"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_mt_corpus", ROOT / "tools" / "make_mt_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_mt_corpus"] = module  # dataclasses resolve their module
    spec.loader.exec_module(module)
    return module


def test_the_generator_rewrites_the_committed_files_byte_for_byte(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_mt_corpus.py"), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    names = sorted(p.name for p in CORPUS.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name


@pytest.mark.parametrize(
    ("det", "noun", "case", "color", "expected"),
    [
        ("the", "fan", "acc", "red", "den roten Ventilator"),
        ("a", "fan", "acc", "red", "einen roten Ventilator"),
        ("my", "light", "acc", "blue", "mein blaues Licht"),
        ("the", "light", "nom", "blue", "das blaue Licht"),
        ("this", "lamp", "dat", "green", "dieser grünen Lampe"),
        ("my", "keys", "nom", "black", "meine schwarzen Schlüssel"),
        ("the", "keys", "dat", None, "den Schlüsseln"),
        ("the", "radio", "gen", None, "des Radios"),
        ("a", "lamp", "gen", None, "einer Lampe"),
        ("the", "chair", "acc", "purple", "den lila Stuhl"),  # lila takes no ending
    ],
)
def test_german_noun_phrases_agree_in_gender_case_and_declension(det, noun, case, color, expected):
    gen = _generator()
    assert gen.noun_phrase(det, gen.NOUNS[noun], case, color) == expected


def test_rooms_contract_and_directions_take_the_accusative():
    gen = _generator()
    assert gen.room_phrase("living room") == "im Wohnzimmer"
    assert gen.room_phrase("kitchen") == "in der Küche"
    assert gen.prepositional("an", "the", gen.NOUNS["window"], "acc") == "ans Fenster"
    assert gen.prepositional("unter", "the", gen.NOUNS["table"], "acc") == "unter den Tisch"
    assert gen.prepositional("neben", "my", gen.NOUNS["door"], "acc") == "neben meine Tür"


def test_separable_verbs_close_the_clause_or_join_the_infinitive():
    gen = _generator()
    clause = gen.Clause("schalte", ("die rote Lampe", "im Wohnzimmer"), "ein", "einschalten")
    frame = gen.Frame("turn on the red lamp in the living room", clause)
    assert gen.render(frame, "", "") == (
        "turn on the red lamp in the living room",
        "schalte die rote Lampe im Wohnzimmer ein",  # the issue's own example
    )
    assert gen.render(frame, "can you", "now")[1] == (
        "kannst du jetzt die rote Lampe im Wohnzimmer einschalten"
    )
    assert gen.render(frame, "please", "thanks")[1] == (
        "bitte schalte die rote Lampe im Wohnzimmer ein danke"
    )


def test_the_corpus_is_aligned_cased_and_its_splits_are_honest():
    pairs = {
        s: read_parallel_files(CORPUS / f"{s}.en", CORPUS / f"{s}.de")
        for s in ("train", "dev", "test")
    }
    assert [len(pairs[s]) for s in ("train", "dev", "test")] == [8000, 300, 500]
    train_sources = {src for src, _ in pairs["train"]}
    for split in ("dev", "test"):
        assert not train_sources & {src for src, _ in pairs[split]}, split
    for src, tgt in pairs["train"] + pairs["test"]:
        assert src == src.lower() and src.replace(" ", "").isalpha()
        assert tgt[-1] not in ".!?" and tgt[0].islower()
    nouns = {w for _, tgt in pairs["train"] for w in tgt.split() if w[0].isupper()}
    assert {"Lampe", "Wohnzimmer", "Ventilator", "Schlüssel", "Küche"} <= nouns
    vocabulary = {w for _, tgt in pairs["train"] for w in tgt.split()}
    unseen = {w for _, tgt in pairs["test"] for w in tgt.split()} - vocabulary
    assert not unseen  # test needs no word train lacks


def test_test_holds_phrasings_train_never_saw():
    gen = _generator()

    # the phrasing (politeness prefix x suffix) of each test sentence, as far as it shows
    def phrasing(src):
        prefix = next(
            (p for p in ("could you", "can you", "please") if src.startswith(p + " ")), ""
        )
        suffix = next(
            (s for s in ("right now", "please", "thanks", "now") if src.endswith(" " + s)), ""
        )
        verb = src[len(prefix) :].split()[0]
        return prefix, verb, suffix

    train = {phrasing(s) for s, _ in read_parallel_files(CORPUS / "train.en", CORPUS / "train.de")}
    test = [phrasing(s) for s, _ in read_parallel_files(CORPUS / "test.en", CORPUS / "test.de")]
    new = [p for p in test if p not in train]
    assert len(new) >= 50, "test must hold phrasings train never saw"
    assert len(gen.TEMPLATES) >= 20


def _write(tmp_path, en, de):
    (tmp_path / "a.en").write_text("".join(f"{line}\n" for line in en), encoding="utf-8")
    (tmp_path / "a.de").write_text("".join(f"{line}\n" for line in de), encoding="utf-8")
    return tmp_path / "a.en", tmp_path / "a.de"


def test_files_of_different_lengths_name_both_counts_and_the_first_bad_line(tmp_path):
    src, tgt = _write(tmp_path, ["open the door", "close the box", "stop"], ["öffne die Tür"])
    with pytest.raises(ValueError, match=r"has 3 lines.*has 1;.*line 2 of .*a\.en"):
        read_parallel_files(src, tgt)


def test_an_empty_line_names_its_file_line_and_partner(tmp_path):
    src, tgt = _write(tmp_path, ["open the door", "close the box"], ["öffne die Tür", " "])
    with pytest.raises(ValueError, match=r"line 2 of .*a\.de is empty .*'close the box'"):
        read_parallel_files(src, tgt)


def _dataset(tmp_path, en, de, **kwargs):
    src, tgt = _write(tmp_path, en, de)
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("<pad>\n<unk>\n<s>\n</s>\n" + "\n".join("abcdefg") + "\n")
    tokenizer = WordTokenizer(vocab_file=str(vocab))
    return TranslationDataset(src, tgt, tokenizer, tokenizer, **kwargs)


def test_long_pairs_are_truncated_with_one_counted_warning(tmp_path, caplog):
    en = ["a b c d e f g", "a b", "a b c d e f"]
    with caplog.at_level(logging.WARNING):
        data = _dataset(tmp_path, en, en, max_seq_length=5)
    warnings = [r for r in caplog.records if "longer than max_seq_length" in r.getMessage()]
    assert len(warnings) == 1 and "2 pair(s)" in warnings[0].getMessage()
    assert "first at line 1" in warnings[0].getMessage()
    assert data.num_pairs == 3 and max(len(p.src) for p in data.pairs) == 5
    assert all(p.src[-1] == 3 and p.tgt[0] == 2 for p in data.pairs)  # still bos ... eos


def test_long_pairs_are_refused_when_asked_or_dropped_when_clean(tmp_path):
    en = ["a b c d e f g", "a b"]
    with pytest.raises(ValueError, match="line 1 .* 9 tokens long, more than max_seq_length=5"):
        _dataset(tmp_path, en, en, max_seq_length=5, too_long="error")
    assert _dataset(tmp_path, en, en, max_seq_length=5, clean=True).num_pairs == 1


def test_batches_hold_at_most_tokens_in_batch_and_every_pair_once(tmp_path):
    en = [" ".join("abcdefg"[: 1 + i % 7]) for i in range(60)]
    data = _dataset(tmp_path, en, en, tokens_in_batch=24)
    seen = sorted(i for batch in data.batches for i in batch)
    assert seen == list(range(60))
    for index in range(len(data)):
        batch = data[index]
        assert batch["src_ids"].numel() <= 24 and batch["tgt_ids"].shape == batch["labels"].shape
        # the decoder reads bos..last, predicts first..eos
        row = batch["tgt_mask"][0].bool()
        assert batch["tgt_ids"][0, 0] == 2 and batch["labels"][0][row][-1] == 3
