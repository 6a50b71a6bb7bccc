"""The English front end: what is written becomes what is said, and tokens round-trip."""

from __future__ import annotations

import logging

import pytest

from nemo.collections.tts.parts.text.normalizer import Normalizer, number_to_words, ordinal_to_words
from nemo.collections.tts.parts.text.tokenizers import EnglishCharsTokenizer
from nemo.core.tokenizers import TokenizerSpec


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zero"),
        (13, "thirteen"),
        (40, "forty"),
        (99, "ninety nine"),
        (101, "one hundred one"),
        (1000, "one thousand"),
        (1_234_567, "one million two hundred thirty four thousand five hundred sixty seven"),
        (2_000_000_001, "two billion one"),
    ],
)
def test_cardinals(number: int, words: str) -> None:
    assert number_to_words(number) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "first"),
        (2, "second"),
        (3, "third"),
        (5, "fifth"),
        (12, "twelfth"),
        (20, "twentieth"),
        (21, "twenty first"),
        (100, "one hundredth"),
        (58, "fifty eighth"),
    ],
)
def test_ordinals(number: int, words: str) -> None:
    assert ordinal_to_words(number) == words


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Turn on the 3rd light at 7:05!", "turn on the third light at seven oh five!"),
        ("wake me at 6:00", "wake me at six o'clock"),
        ("set it to 21.5°C", "set it to twenty one point five degrees celsius"),
        ("it costs $3.50", "it costs three dollars and fifty cents"),
        ("it costs $1", "it costs one dollar"),
        ("drive 1 km & then 12 km", "drive one kilometer and then twelve kilometers"),
        ("the battery is at 85%", "the battery is at eighty five percent"),
        ("Dr. Smith, e.g. tomorrow", "doctor smith, for example tomorrow"),
        ("1,250 people", "one thousand two hundred fifty people"),
        ("a café in the 22nd street", "a cafe in the twenty second street"),
        ("  many   spaces  ", "many spaces"),
        ("m and s alone stay letters", "m and s alone stay letters"),
    ],
)
def test_normalizer_speaks_what_is_written(written: str, spoken: str) -> None:
    assert Normalizer()(written) == spoken


def test_unspeakable_characters_are_dropped_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        spoken = Normalizer()("turn on 👋 the 灯 light ✓")
    assert spoken == "turn on the light"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert all(symbol in warnings[0] for symbol in ("👋", "灯", "✓"))


def test_normalizer_refuses_non_text() -> None:
    with pytest.raises(TypeError, match="expects a str"):
        Normalizer()(None)  # type: ignore[arg-type]


def test_tokenizer_follows_the_contract() -> None:
    tokenizer = EnglishCharsTokenizer()
    assert isinstance(tokenizer, TokenizerSpec)
    ids = tokenizer.text_to_ids("turn on the light, please!")
    assert tokenizer.ids_to_text(ids) == "turn on the light, please!"
    assert tokenizer.pad_id == 0 and 0 not in ids
    # <pad>, space, 26 letters, apostrophe, 5 punctuation marks, <oov>: ids are stable
    assert tokenizer.vocab_size == len(tokenizer.vocab) == 35
    assert tokenizer.vocab[:3] == ["<pad>", " ", "a"]
    assert tokenizer.text_to_tokens("a#") == ["a", "<oov>"]
    assert tokenizer.encode("abc") == tokenizer.text_to_ids("abc")
    without = EnglishCharsTokenizer(punct=False)
    assert without.text_to_tokens("a,") == ["a", "<oov>"]
