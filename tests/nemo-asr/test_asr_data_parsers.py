"""Character parsers: NeMo's tokenisation rules and English normalisation."""

from __future__ import annotations

import pytest
from asr_data_helpers import LABELS

from nemo.collections.asr.parts.preprocessing.parsers import (
    CharParser,
    ENCharParser,
    make_parser,
    normalize_english,
    spell_number,
)


def ids(text: str) -> list[int]:
    return [LABELS.index(char) for char in text]


def test_without_normalisation_characters_outside_labels_vanish_as_in_nemo() -> None:
    # NeMo's dataset default: normalize_transcripts false, unk_index = blank_index = -1.
    parser = make_parser(LABELS, "en", do_normalize=False)
    assert isinstance(parser, ENCharParser)
    assert parser("Hello, world") == ids("ello world")
    assert parser("a  b") == ids("a  b")  # words split on single spaces: an empty word


def test_unknown_id_is_kept_when_it_differs_from_blank() -> None:
    parser = make_parser(LABELS, "base", unk_id=99, blank_id=28, do_normalize=False)
    assert parser("aX b") == [*ids("a"), 99, *ids(" b")]
    assert make_parser(LABELS, "base", unk_id=28, blank_id=28, do_normalize=False)("aX") == ids("a")


def test_base_parser_normalisation_strips_and_lowercases() -> None:
    parser = make_parser(LABELS, "base")
    assert type(parser) is CharParser
    assert parser("  Turn ON ") == ids("turn on")


def test_multi_character_labels_match_whole_words() -> None:
    labels = [*LABELS, "<unk>"]
    parser = CharParser(labels, do_normalize=False)
    assert parser("a <unk> b") == [*ids("a "), len(LABELS), *ids(" b")]


def test_english_normalisation_spells_out_what_is_said() -> None:
    parser = make_parser(LABELS, "en", do_normalize=True)
    assert parser("Dr. Smith paid $5.50 & left at 3%!") == ids(
        "doctor smith paid five dollars fifty cents and left at three percent"
    )
    assert parser("It's the 21st of May, 1999") == ids(
        "it's the twenty first of may nineteen ninety nine"
    )


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("1,000,000 people", "one million people"),
        ("pi is 3.14", "pi is three point one four"),
        (
            "in 1905 and 2000 and 2005 and 1800",
            "in nineteen oh five and two thousand and two thousand five and eighteen hundred",
        ),
        ("agent 007", "agent zero zero seven"),
        ("Café Noël", "cafe noel"),
        ("a+b", "a plus b"),
        ("£1", "one pound"),
    ],
)
def test_normalize_english(text: str, spoken: str) -> None:
    assert normalize_english(text) == spoken


def test_spell_number() -> None:
    assert spell_number(0) == "zero"
    assert spell_number(115) == "one hundred fifteen"
    assert spell_number(2_000_042) == "two million forty two"
    assert spell_number(-7) == "minus seven"


def test_punctuation_that_is_a_label_survives_normalisation() -> None:
    assert make_parser(LABELS, "en")("Don't stop.") == ids("don't stop")


def test_unknown_characters_are_reported_after_normalisation() -> None:
    raw = make_parser(LABELS, "en", do_normalize=False)
    assert raw.unknown_characters(["Hello, wörld", "ok"]) == {"H", ",", "ö"}
    normalised = make_parser(LABELS, "en", do_normalize=True)
    assert normalised.unknown_characters(["Hello, wörld 5", "ok"]) == set()
    assert normalised.unknown_characters(["tab\there", "日本"]) == {"日", "本"}


def test_unknown_parser_name() -> None:
    with pytest.raises(ValueError, match="unknown parser 'fr'"):
        make_parser(LABELS, "fr")
