"""English text normalisation for synthesis: what is written becomes what is said.

A spectrogram generator learns to pronounce letters; it never sees "15", "Dr." or "°C" often
enough to learn them. The normaliser spells numbers (cardinals, decimals, ordinals, times,
years-like four-digit numbers are read as cardinals), money, percentages, units after a number
and common abbreviations, then lower-cases the result. Characters it cannot map to English
letters (emoji, other scripts) are dropped with one warning naming them, so a sentence with a
stray symbol is still spoken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from nemo.core.classes.common import Serialization
from nemo.utils import logging

__all__ = ["Normalizer", "number_to_words", "ordinal_to_words"]

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_WORDS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip

_ABBREVIATIONS = {
    "mr.": "mister", "mrs.": "missus", "ms.": "miss", "dr.": "doctor", "st.": "saint",
    "prof.": "professor", "jr.": "junior", "sr.": "senior", "vs.": "versus", "etc.": "et cetera",
    "e.g.": "for example", "i.e.": "that is", "approx.": "approximately", "no.": "number",
}  # fmt: skip
# spoken after a number only ("5 m" is metres, "m" alone is a letter); singular, plural
_UNITS = {
    "km": ("kilometer", "kilometers"), "m": ("meter", "meters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"),
    "l": ("liter", "liters"), "ml": ("milliliter", "milliliters"), "h": ("hour", "hours"),
    "min": ("minute", "minutes"), "s": ("second", "seconds"), "ms": ("millisecond", "milliseconds"),
    "kwh": ("kilowatt hour", "kilowatt hours"), "kw": ("kilowatt", "kilowatts"),
    "w": ("watt", "watts"), "v": ("volt", "volts"), "hz": ("hertz", "hertz"),
    "khz": ("kilohertz", "kilohertz"), "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"), "°c": ("degree celsius",
    "degrees celsius"), "°f": ("degree fahrenheit", "degrees fahrenheit"), "°": ("degree",
    "degrees"), "%": ("percent", "percent"), "db": ("decibel", "decibels"),
}  # fmt: skip
_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "€": ("euro", "euros", "cent", "cents"),
               "£": ("pound", "pounds", "penny", "pence")}  # fmt: skip
_SYMBOLS = {"&": " and ", "+": " plus ", "=": " equals ", "@": " at ", "#": " number "}

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_MONEY = re.compile(rf"([$€£])\s?({_NUMBER})")
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_MEASURE = re.compile(rf"({_NUMBER})\s?({_UNIT_PATTERN})(?![\w])", re.IGNORECASE)
_CARDINAL = re.compile(_NUMBER)
_KEEP = re.compile(r"[^a-z' ,.?!-]")


def number_to_words(number: int) -> str:
    """Cardinal English words of a non-negative integer ("one hundred twenty three")."""
    if number < 0:
        return "minus " + number_to_words(-number)
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_to_words(rest)}" if rest else "")
    for scale, name in _SCALES:
        if number >= scale:
            head, rest = divmod(number, scale)
            return f"{number_to_words(head)} {name}" + (f" {number_to_words(rest)}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


def ordinal_to_words(number: int) -> str:
    """Ordinal English words ("twenty first")."""
    words = number_to_words(number).split()
    last = words[-1]
    if last in _ORDINAL_WORDS:
        words[-1] = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def _spell_number(text: str) -> str:
    digits = text.replace(",", "")
    whole, _, fraction = digits.partition(".")
    words = number_to_words(int(whole))
    if fraction:
        words += " point " + " ".join(_ONES[int(d)] for d in fraction)
    return words


def _is_one(text: str) -> bool:
    return text.replace(",", "") in ("1", "1.0")


def _money(match: re.Match[str]) -> str:
    one, many, cent, cents = _CURRENCIES[match.group(1)]
    whole, _, fraction = match.group(2).replace(",", "").partition(".")
    spoken = f"{number_to_words(int(whole))} {one if whole == '1' else many}"
    if fraction and int(fraction[:2].ljust(2, "0")):
        hundredths = int(fraction[:2].ljust(2, "0"))
        spoken += f" and {number_to_words(hundredths)} {cent if hundredths == 1 else cents}"
    return f" {spoken} "


def _time(match: re.Match[str]) -> str:
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes == 0:
        return f" {number_to_words(hours)} o'clock "
    spoken_minutes = number_to_words(minutes) if minutes >= 10 else f"oh {_ONES[minutes]}"
    return f" {number_to_words(hours)} {spoken_minutes} "


def _measure(match: re.Match[str]) -> str:
    singular, plural = _UNITS[match.group(2).lower()]
    return f" {_spell_number(match.group(1))} {singular if _is_one(match.group(1)) else plural} "


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_MONEY, _money),
    (_TIME, _time),
    (_ORDINAL, lambda m: f" {ordinal_to_words(int(m.group(1)))} "),
    (_MEASURE, _measure),
    (_CARDINAL, lambda m: f" {_spell_number(m.group(0))} "),
)


class Normalizer(Serialization):
    """Written English → lower-case spoken words and the punctuation the tokenizer keeps.

    ``normalize`` warns once per call about the characters it dropped (listing them), and
    never raises on content: only ``None`` or a non-string is a caller's error.
    """

    def normalize(self, text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"normalize expects a str, got {type(text).__name__}")
        spoken = unicodedata.normalize("NFKC", text)
        spoken = spoken.replace("\u2019", "'").replace("\u2018", "'")
        spoken = " ".join(_ABBREVIATIONS.get(word.lower(), word) for word in spoken.split())
        for pattern, spell in _RULES:
            spoken = pattern.sub(spell, spoken)
        for symbol, words in _SYMBOLS.items():
            spoken = spoken.replace(symbol, words)
        spoken = _strip_accents(spoken.lower())
        dropped = sorted(set(_KEEP.findall(spoken)) - set("\t\n\r"))
        if dropped:
            logging.warning(
                f"the text normaliser dropped characters it cannot speak: {' '.join(dropped)} "
                f"(in {text!r}); spell them out in words to have them spoken"
            )
        spoken = _KEEP.sub(" ", spoken)
        spoken = re.sub(r"\s+([,.?!])", r"\1", spoken)
        return re.sub(r"\s+", " ", spoken).strip()

    __call__ = normalize


def _strip_accents(text: str) -> str:
    """Latin letters with diacritics as their base letter ("café" → "cafe")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
