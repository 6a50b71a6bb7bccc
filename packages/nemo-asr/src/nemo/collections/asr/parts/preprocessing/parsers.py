"""Transcript to label ids for character models, with NeMo's parser semantics.

``CharParser`` (``parser: base``) strips and lowercases when normalising; ``ENCharParser``
(``parser: en``, the dataset default) normalises English text: ASCII folding, lowercase,
numbers, currency, ordinals and common abbreviations spelled out, ``+ & %`` as words, other
punctuation that is not a label turned into spaces.

Tokenisation, as NeMo: words are split on single spaces and joined by the space label; a
multi-character label (e.g. ``<unk>``) matches a whole word; any other character maps to its
label id or to ``unk_id``; ids equal to ``blank_id`` are then dropped. With NeMo's defaults
(``unk_id = blank_id = -1``) a character that is not a label silently vanishes. Decision: we keep
that for compatibility, and the datasets warn once, listing such characters.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence

__all__ = ["CharParser", "ENCharParser", "make_parser", "normalize_english", "spell_number"]


class CharParser:
    """Maps a transcript to the ids of ``labels`` (see the module docstring)."""

    def __init__(
        self,
        labels: Sequence[str],
        *,
        unk_id: int = -1,
        blank_id: int = -1,
        do_normalize: bool = True,
        do_lowercase: bool = True,
    ) -> None:
        self._labels = list(labels)
        self._unk_id = unk_id
        self._blank_id = blank_id
        self._do_normalize = do_normalize
        self._do_lowercase = do_lowercase
        self._labels_map = {label: index for index, label in enumerate(self._labels)}
        self._special_labels = {label for label in self._labels if len(label) > 1}
        self._space_id = self._labels_map.get(" ", unk_id)

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    def __call__(self, text: str) -> list[int] | None:
        if self._do_normalize:
            normalized = self._normalize(text)
            if normalized is None:
                return None
            text = normalized
        return self._tokenize(text)

    def _normalize(self, text: str) -> str | None:
        text = text.strip()
        return text.lower() if self._do_lowercase else text

    def _tokenize(self, text: str) -> list[int]:
        labels_map, unk = self._labels_map, self._unk_id
        tokens: list[int] = []
        for position, word in enumerate(text.split(" ")):
            if position:
                tokens.append(self._space_id)
            if word in self._special_labels:
                tokens.append(labels_map[word])
                continue
            tokens.extend(labels_map.get(char, unk) for char in word)
        if self._blank_id in tokens or unk == self._blank_id:
            tokens = [token for token in tokens if token != self._blank_id]
        return tokens

    def unknown_characters(self, texts: Sequence[str]) -> set[str]:
        """The characters of ``texts`` that are not labels after normalisation (and so vanish,
        or become ``unk_id``). Normalisation is applied to each distinct character, which is
        exact for what it can produce and cheap for a million transcripts.
        """
        known = set(self._labels_map) | {" "} | set("".join(self._special_labels))
        unknown: set[str] = set()
        for char in set("".join(texts)):
            normalized = self._normalize(char) if self._do_normalize else char
            unknown.update(c for c in normalized or "" if c not in known)
        return unknown


class ENCharParser(CharParser):
    """A :class:`CharParser` whose normalisation spells out English (``parser: en``)."""

    def __init__(self, labels: Sequence[str], **kwargs: object) -> None:
        super().__init__(labels, **kwargs)  # type: ignore[arg-type]
        self._table = _punctuation_table(self._labels)

    def _normalize(self, text: str) -> str | None:
        try:
            return normalize_english(text, self._table)
        except (ValueError, OverflowError):
            return None


def make_parser(
    labels: Sequence[str] | None = None,
    name: str = "base",
    unk_id: int = -1,
    blank_id: int = -1,
    do_normalize: bool = True,
) -> CharParser:
    """NeMo's parser factory: ``base`` -> :class:`CharParser`, ``en`` -> :class:`ENCharParser`."""
    parsers = {"base": CharParser, "en": ENCharParser}
    if name not in parsers:
        raise ValueError(f"unknown parser {name!r}; choose one of {sorted(parsers)}")
    return parsers[name](
        list(labels or []), unk_id=unk_id, blank_id=blank_id, do_normalize=do_normalize
    )


_WORDS_REPLACING = {"+": " plus ", "&": " and ", "%": " percent "}
_ABBREVIATIONS = {
    "mr": "mister", "mrs": "misess", "dr": "doctor", "st": "saint", "co": "company",
    "jr": "junior", "maj": "major", "gen": "general", "drs": "doctors", "rev": "reverend",
    "lt": "lieutenant", "hon": "honorable", "sgt": "sergeant", "capt": "captain",
    "esq": "esquire", "ltd": "limited", "col": "colonel", "ft": "fort", "etc": "et cetera",
}  # fmt: skip
_ABBREVIATION_RE = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\.", re.IGNORECASE)
_CURRENCIES = {"$": ("dollar", "cent"), "£": ("pound", "penny"), "€": ("euro", "cent")}
_MONEY_RE = re.compile(r"([$£€])\s?(\d[\d,]*)(?:\.(\d\d))?\b")
_ORDINAL_RE = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_DECIMAL_RE = re.compile(r"\b(\d+)\.(\d+)\b")
_GROUPED_RE = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
_NUMBER_RE = re.compile(r"\d+")
_SPACES_RE = re.compile(r"\s+")

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_ENDINGS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip


def spell_number(number: int) -> str:
    """``123`` -> ``"one hundred twenty three"`` (no "and", no hyphens)."""
    if number < 0:
        return "minus " + spell_number(-number)
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (" " + _ONES[ones] if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return _ONES[hundreds] + " hundred" + (" " + spell_number(rest) if rest else "")
    for scale, name in _SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            return spell_number(high) + " " + name + (" " + spell_number(rest) if rest else "")
    raise AssertionError("unreachable")


def _spell_year_or_number(digits: str) -> str:
    """Numbers, except that 1100-2999 not ending in 00 read as years, as NeMo's cleaner does."""
    number = int(digits)
    if len(digits) > 1 and digits[0] == "0":
        return " ".join(_ONES[int(d)] for d in digits)  # "007" -> "zero zero seven"
    if 1000 < number < 3000 and number % 100 and not 2000 <= number < 2010:
        high, low = divmod(number, 100)
        return spell_number(high) + " " + (spell_number(low) if low >= 10 else "oh " + _ONES[low])
    if 1000 < number < 3000 and number % 1000 and not number % 100:
        return spell_number(number // 100) + " hundred"
    return spell_number(number)


def _spell_ordinal(number: int) -> str:
    words = spell_number(number).split(" ")
    last = words[-1]
    if last in _ORDINAL_ENDINGS:
        words[-1] = _ORDINAL_ENDINGS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def _spell_money(match: re.Match[str]) -> str:
    unit, cents_unit = _CURRENCIES[match.group(1)]
    whole = int(match.group(2).replace(",", ""))
    cents = int(match.group(3) or 0)
    parts = []
    if whole or not cents:
        parts.append(f"{spell_number(whole)} {unit}{'' if whole == 1 else 's'}")
    if cents:
        plural = "pence" if cents_unit == "penny" else "cents"
        parts.append(f"{spell_number(cents)} {cents_unit if cents == 1 else plural}")
    return " " + " ".join(parts) + " "


def _spell_decimal(match: re.Match[str]) -> str:
    digits = " ".join(_ONES[int(digit)] for digit in match.group(2))
    return f" {spell_number(int(match.group(1)))} point {digits} "


def _punctuation_table(labels: Sequence[str]) -> dict[int, str]:
    """Punctuation that is not a label becomes a space."""
    return {ord(char): " " for char in string.punctuation if char not in labels}


def normalize_english(text: str, table: dict[int, str] | None = None) -> str:
    """English text as a speaker says it: lowercase words, numbers spelled out, no punctuation
    (except the characters ``table`` keeps; by default all punctuation becomes spaces).
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("’", "'").replace("‘", "'")  # noqa: RUF001 - typographic apostrophes
    text = _SPACES_RE.sub(" ", text.lower())
    text = _ABBREVIATION_RE.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)
    text = _MONEY_RE.sub(_spell_money, text)
    text = _GROUPED_RE.sub(lambda m: m.group(0).replace(",", ""), text)
    text = _ORDINAL_RE.sub(lambda m: " " + _spell_ordinal(int(m.group(1))) + " ", text)
    text = _DECIMAL_RE.sub(_spell_decimal, text)
    text = _NUMBER_RE.sub(lambda m: " " + _spell_year_or_number(m.group(0)) + " ", text)
    for symbol, words in _WORDS_REPLACING.items():
        text = text.replace(symbol, words)
    text = text.translate(table if table is not None else _punctuation_table(()))
    return _SPACES_RE.sub(" ", text).strip()
