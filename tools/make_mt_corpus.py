"""Generate the bundled English->German command corpus (``data/nmt_en_de_commands/``).

The commands are those of the smart-home schema (``../shared/nlu/schema.md``): the English side
is lowercase words without punctuation, as the speech recognizer writes them; the German side is
what a native speaker writes, with natural casing (nouns capitalised, the rest lowercase, like
the English side's first word) and no final punctuation::

    turn on the red lamp in the living room   ->  schalte die rote Lampe im Wohnzimmer ein

Both sides are rendered from one meaning (intent, item, colour, room, number, destination), so
the German is grammatical by construction: article gender and case (nominative after "wo ist",
accusative objects, dative locations, accusative directions after "neben/unter/auf/in/an",
genitive after "die Farbe"), adjective endings after definite, indefinite and possessive
determiners, contractions (im, ins, ans), separable verbs whose particle goes last ("schalte ...
ein") or joins the infinitive after a modal ("kannst du ... einschalten").

Splits measure generalisation: ``test`` holds phrasings (template x politeness x adverb
combinations) that train never saw, made of words and constructions it has seen, plus unseen
sentences of seen phrasings; ``dev`` holds unseen sentences of seen phrasings. No sentence of
dev or test occurs in train. Layout (NeMo's parallel text files)::

    {train,dev,test}.en   one English command per line
    {train,dev,test}.de   its German translation on the same line number

Deterministic: the same ``--seed`` writes byte-identical files::

    python tools/make_mt_corpus.py [--out data/nmt_en_de_commands] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------- German grammar
CASES = ("nom", "acc", "dat", "gen")
_DEFINITE = {
    "m": ("der", "den", "dem", "des"),
    "f": ("die", "die", "der", "der"),
    "n": ("das", "das", "dem", "des"),
    "pl": ("die", "die", "den", "der"),
}
_INDEFINITE = {  # ein / mein: the stem's endings (no plural for "ein")
    "m": ("", "en", "em", "es"),
    "f": ("e", "e", "er", "er"),
    "n": ("", "", "em", "es"),
    "pl": ("e", "e", "en", "er"),
}
_DIES = {
    "m": ("dieser", "diesen", "diesem", "dieses"),
    "f": ("diese", "diese", "dieser", "dieser"),
    "n": ("dieses", "dieses", "diesem", "dieses"),
    "pl": ("diese", "diese", "diesen", "dieser"),
}
# adjective endings after der/dieser (weak) and after ein/mein (mixed)
_WEAK = {"m": ("e", "en", "en", "en"), "f": ("e", "e", "en", "en"), "n": ("e", "e", "en", "en")}
_WEAK["pl"] = ("en", "en", "en", "en")
_MIXED = {"m": ("er", "en", "en", "en"), "f": ("e", "e", "en", "en"), "n": ("es", "es", "en", "en")}
_MIXED["pl"] = ("en", "en", "en", "en")


@dataclass(frozen=True)
class Noun:
    en: str
    de: str
    gender: str  # m, f, n or pl
    genitive: str = ""  # the genitive form when it differs (des Ventilators)
    dative: str = ""  # the dative form when it differs (den Schlüsseln)

    def form(self, case: str) -> str:
        if case == "gen" and self.genitive:
            return self.genitive
        if case == "dat" and self.dative:
            return self.dative
        return self.de


NOUNS = {
    n.en: n
    for n in (
        Noun("lamp", "Lampe", "f"),
        Noun("light", "Licht", "n", "Lichts"),
        Noun("fan", "Ventilator", "m", "Ventilators"),
        Noun("radio", "Radio", "n", "Radios"),
        Noun("screen", "Bildschirm", "m", "Bildschirms"),
        Noun("camera", "Kamera", "f"),
        Noun("kettle", "Wasserkocher", "m", "Wasserkochers"),
        Noun("heater", "Heizung", "f"),
        Noun("door", "Tür", "f"),
        Noun("window", "Fenster", "n", "Fensters"),
        Noun("box", "Kiste", "f"),
        Noun("chair", "Stuhl", "m", "Stuhls"),
        Noun("table", "Tisch", "m", "Tisches"),
        Noun("phone", "Handy", "n", "Handys"),
        Noun("keys", "Schlüssel", "pl", "", "Schlüsseln"),
        Noun("bag", "Tasche", "f"),
        Noun("music", "Musik", "f"),
    )
}
ROOMS = {  # English -> (German noun, gender)
    "kitchen": ("Küche", "f"),
    "bedroom": ("Schlafzimmer", "n"),
    "bathroom": ("Badezimmer", "n"),
    "office": ("Büro", "n"),
    "garage": ("Garage", "f"),
    "hall": ("Flur", "m"),
    "living room": ("Wohnzimmer", "n"),
}
COLORS = {
    "red": "rot",
    "green": "grün",
    "blue": "blau",
    "yellow": "gelb",
    "black": "schwarz",
    "white": "weiß",
    "orange": "orange",  # orange and lila take no endings
    "purple": "lila",
    "brown": "braun",
    "gray": "grau",
}
_UNINFLECTED = {"orange", "lila"}
NUMBERS = {
    "zero": "null",
    "one": "eins",
    "two": "zwei",
    "three": "drei",
    "four": "vier",
    "five": "fünf",
    "six": "sechs",
    "seven": "sieben",
    "eight": "acht",
    "nine": "neun",
}
# move: the preposition takes the accusative (a direction); "to the window" is "ans Fenster"
RELATIONS = {"near": "neben", "under": "unter", "on": "auf", "in": "in", "to": "an"}
_CONTRACTED = {("in", "dem"): "im", ("an", "dem"): "am", ("in", "das"): "ins", ("an", "das"): "ans"}

DEVICES = ("lamp", "light", "fan", "radio", "screen", "camera", "kettle", "heater")
LIGHTS = ("lamp", "light", "screen")
LEVELLED = ("fan", "radio", "light", "lamp", "screen", "heater")
OPENABLE = ("door", "window", "box")
STOPPABLE = ("music", "radio", "kettle", "fan")
THINGS = ("camera", "box", "chair", "table", "lamp", "phone", "keys", "bag")
MOVABLE = ("box", "chair", "lamp", "table", "camera", "bag")
DESTINATIONS = ("table", "window", "door")
DETERMINERS = ("the", "the", "the", "my", "a", "this")


def _adjective(color: str, ending: str) -> str:
    return color if color in _UNINFLECTED else color + ending


def noun_phrase(det: str, noun: Noun, case: str, color: str | None = None) -> str:
    """The German noun phrase of ``det [color] noun`` in ``case``."""
    i = CASES.index(case)
    g = noun.gender
    if det == "the":
        article, endings = _DEFINITE[g][i], _WEAK
    elif det == "this":
        article, endings = _DIES[g][i], _WEAK
    elif det == "my":
        article, endings = "mein" + _INDEFINITE[g][i], _MIXED
    elif det == "a":
        article, endings = "ein" + _INDEFINITE[g][i], _MIXED
    else:
        raise ValueError(det)
    words = [article]
    if color is not None:
        words.append(_adjective(COLORS[color], endings[g][i]))
    words.append(noun.form(case))
    return " ".join(words)


def prepositional(prep: str, det: str, noun: Noun, case: str, color: str | None = None) -> str:
    phrase = noun_phrase(det, noun, case, color)
    article, _, rest = phrase.partition(" ")
    if det == "the" and (prep, article) in _CONTRACTED:
        return f"{_CONTRACTED[prep, article]} {rest}"
    return f"{prep} {phrase}"


def room_phrase(room: str) -> str:
    de, gender = ROOMS[room]
    return prepositional("in", "the", Noun(room, de, gender), "dat")


# ------------------------------------------------------------------------------ the clauses
@dataclass(frozen=True)
class Clause:
    """A German command: ``verb [bitte] [adverb] middle... end`` as an imperative, or
    ``modal du [bitte] [adverb] middle... end infinitive`` after "can you"."""

    verb: str  # the imperative ("schalte")
    middle: tuple[str, ...]  # objects and places, in order
    end: str = ""  # what closes the imperative: a particle ("ein"), "auf rot", a colour
    infinitive: str = ""  # after a modal: "einschalten", "stellen" ("" = no modal form)
    end_before_infinitive: str = ""  # what precedes the infinitive ("auf rot"), if anything

    def imperative(self, bitte: bool, adverb: str) -> list[str]:
        words = [self.verb] + (["bitte"] if bitte else []) + ([adverb] if adverb else [])
        return words + list(self.middle) + ([self.end] if self.end else [])

    def modal(self, modal: str, bitte: bool, adverb: str) -> list[str]:
        words = [modal, "du"] + (["bitte"] if bitte else []) + ([adverb] if adverb else [])
        words += list(self.middle)
        if self.end_before_infinitive:
            words.append(self.end_before_infinitive)
        return [*words, self.infinitive]


@dataclass(frozen=True)
class Frame:
    """One meaning: the English words and the German clause of a command."""

    english: str
    clause: Clause | None  # None: a fixed sentence (``german``) that takes no politeness
    german: str = ""


Sampler = Callable[[random.Random], Frame]


def _det(rng: random.Random, noun: Noun) -> str:
    det = rng.choice(DETERMINERS)
    return "the" if det == "a" and noun.gender == "pl" else det


def _object(rng: random.Random, names: tuple[str, ...], color_p: float = 0.4) -> tuple:
    noun = NOUNS[rng.choice(names)]
    det = _det(rng, noun)
    color = rng.choice(list(COLORS)) if rng.random() < color_p else None
    det_en = "these" if det == "this" and noun.gender == "pl" else det
    english = " ".join([det_en, *([color] if color else []), noun.en])
    return noun, det, color, english


def _room(rng: random.Random, p: float = 0.4) -> tuple[str, str]:
    if rng.random() >= p:
        return "", ""
    room = rng.choice(list(ROOMS))
    return f" in the {room}", room_phrase(room)


def _switch(verb_en: str, verb_de: str, particle: str, infinitive: str, split: bool) -> Sampler:
    def sample(rng: random.Random) -> Frame:
        noun, det, color, obj = _object(rng, DEVICES)
        room_en, room_de = _room(rng)
        head, _, tail = verb_en.partition(" ")
        english = f"{head} {obj} {tail}{room_en}" if split else f"{verb_en} {obj}{room_en}"
        middle = (noun_phrase(det, noun, "acc", color), *([room_de] if room_de else []))
        return Frame(english, Clause(verb_de, middle, particle, infinitive))

    return sample


def _transitive(
    verb_en: str,
    verb_de: str,
    infinitive: str,
    names: tuple[str, ...],
    particle: str = "",
    room: bool = True,
) -> Sampler:
    def sample(rng: random.Random) -> Frame:
        noun, det, color, obj = _object(rng, names)
        room_en, room_de = _room(rng) if room else ("", "")
        middle = (noun_phrase(det, noun, "acc", color), *([room_de] if room_de else []))
        return Frame(f"{verb_en} {obj}{room_en}", Clause(verb_de, middle, particle, infinitive))

    return sample


def _set_to(verb_en: str, values: dict[str, str], names: tuple[str, ...]) -> Sampler:
    def sample(rng: random.Random) -> Frame:
        noun, det, _, obj = _object(rng, names, color_p=0.0)
        room_en, room_de = _room(rng)
        value = rng.choice(list(values))
        english = f"{verb_en} {obj}{room_en} to {value}"
        middle = (noun_phrase(det, noun, "acc"), *([room_de] if room_de else []))
        target = f"auf {_after_auf(values[value], values)}"
        return Frame(english, Clause("stell", middle, target, "stellen", target))

    return sample


def _property_to(what_en: str, what_de: str, values: dict[str, str], names: tuple) -> Sampler:
    def sample(rng: random.Random) -> Frame:
        noun, det, _, obj = _object(rng, names, color_p=0.0)
        value = rng.choice(list(values))
        english = f"{'change' if what_en == 'color' else 'turn'} the {what_en} of {obj} to {value}"
        middle = (f"die {what_de} {noun_phrase(det, noun, 'gen')}",)
        target = f"auf {_after_auf(values[value], values)}"
        verb, infinitive = ("ändere", "ändern") if what_en == "color" else ("stell", "stellen")
        return Frame(english, Clause(verb, middle, target, infinitive, target))

    return sample


def _after_auf(value: str, values: dict[str, str]) -> str:
    """A colour after "auf" is a noun ("auf Rot stellen"); a number stays lowercase."""
    return value.capitalize() if values is COLORS else value


def _make_color(verb_en: str) -> Sampler:
    def sample(rng: random.Random) -> Frame:
        noun, det, _, obj = _object(rng, LIGHTS, color_p=0.0)
        room_en, room_de = _room(rng)
        color = rng.choice(list(COLORS))
        english = f"{verb_en} {obj}{room_en} {color}"
        middle = (noun_phrase(det, noun, "acc"), *([room_de] if room_de else []))
        return Frame(english, Clause("mach", middle, COLORS[color], "machen", COLORS[color]))

    return sample


def _play(verb_en: str, verb_de: str, infinitive: str) -> Sampler:
    def sample(rng: random.Random) -> Frame:
        room_en, room_de = _room(rng, 0.5)
        choice = rng.choice(("music", "the music", "some music", "the radio", "my radio"))
        media = {
            "music": "Musik",
            "the music": "die Musik",
            "some music": "etwas Musik",
            "the radio": "das Radio",
            "my radio": "mein Radio",
        }[choice]
        middle = (media, *([room_de] if room_de else []))
        return Frame(f"{verb_en} {choice}{room_en}", Clause(verb_de, middle, "", infinitive))

    return sample


def _where(rng: random.Random) -> Frame:
    noun, det, color, obj = _object(rng, THINGS)
    verb_en, verb_de = ("are", "sind") if noun.gender == "pl" else ("is", "ist")
    german = f"wo {verb_de} {noun_phrase(det, noun, 'nom', color)}"
    return Frame(f"where {verb_en} {obj}", None, german)


def _help_find(rng: random.Random) -> Frame:
    noun, det, color, obj = _object(rng, THINGS)
    german = f"hilf mir {noun_phrase(det, noun, 'acc', color)} zu finden"
    return Frame(f"help me find {obj}", None, german)


def _move(verb_en: str, verb_de: str, infinitive: str) -> Sampler:
    def sample(rng: random.Random) -> Frame:
        noun, det, color, obj = _object(rng, MOVABLE)
        dest_name = rng.choice([d for d in DESTINATIONS if d != noun.en])
        dest = NOUNS[dest_name]
        dest_det = rng.choice(("the", "the", "the", "my"))
        relation = rng.choice(list(RELATIONS))
        english = f"{verb_en} {obj} {relation} {dest_det} {dest.en}"
        direction = prepositional(RELATIONS[relation], dest_det, dest, "acc")
        middle = (noun_phrase(det, noun, "acc", color),)
        return Frame(english, Clause(verb_de, middle, direction, infinitive, direction))

    return sample


# template name -> sampler; the name is part of a phrasing's key
TEMPLATES: dict[str, Sampler] = {
    "on_turn": _switch("turn on", "schalte", "ein", "einschalten", split=False),
    "on_turn_split": _switch("turn on", "schalte", "ein", "einschalten", split=True),
    "on_switch": _switch("switch on", "mach", "an", "anmachen", split=False),
    "on_switch_split": _switch("switch on", "mach", "an", "anmachen", split=True),
    "on_power": _switch("power on", "schalte", "an", "anschalten", split=False),
    "off_turn": _switch("turn off", "schalte", "aus", "ausschalten", split=False),
    "off_turn_split": _switch("turn off", "schalte", "aus", "ausschalten", split=True),
    "off_switch": _switch("switch off", "mach", "aus", "ausmachen", split=False),
    "off_switch_split": _switch("switch off", "mach", "aus", "ausmachen", split=True),
    "open": _transitive("open", "öffne", "öffnen", OPENABLE),
    "close": _transitive("close", "schließe", "schließen", OPENABLE),
    "close_shut": _transitive("shut", "mach", "zumachen", OPENABLE, particle="zu"),
    "color_make": _make_color("make"),
    "color_turn": _make_color("turn"),
    "color_set": _set_to("set", COLORS, LIGHTS),
    "color_change": _property_to("color", "Farbe", COLORS, LIGHTS),
    "level_set": _set_to("set", NUMBERS, LEVELLED),
    "level_volume": _property_to("volume", "Lautstärke", NUMBERS, ("radio", "screen")),
    "play": _play("play", "spiel", "spielen"),
    "play_start": _play("start", "starte", "starten"),
    "stop": _transitive("stop", "stopp", "stoppen", STOPPABLE, room=False),
    "stop_pause": _transitive("pause", "pausiere", "pausieren", ("music", "radio"), room=False),
    "find": _transitive("find", "finde", "finden", THINGS, room=False),
    "find_where": _where,
    "find_help": _help_find,
    "move": _move("move", "schieb", "schieben"),
    "move_put": _move("put", "stell", "stellen"),
}
# politeness before and after: English words -> how the German clause takes them
PREFIXES = {"": None, "please": "bitte", "can you": "kannst", "could you": "könntest"}
SUFFIXES = {"": "", "please": "bitte", "now": "jetzt", "right now": "sofort", "thanks": "danke"}


def render(frame: Frame, prefix: str, suffix: str) -> tuple[str, str]:
    """The English and German sentences of ``frame`` with politeness ``prefix``/``suffix``."""
    english = " ".join(w for w in (prefix, frame.english, suffix) if w)
    if frame.clause is None:
        return english, frame.german
    clause = frame.clause
    bitte = prefix == "please" or suffix == "please"
    adverb = SUFFIXES[suffix] if suffix in ("now", "right now") else ""
    if prefix in ("can you", "could you"):
        words = clause.modal(str(PREFIXES[prefix]), bitte, adverb)
    else:
        words = clause.imperative(bitte and prefix != "please", adverb)
        if prefix == "please":
            words.insert(0, "bitte")
    if suffix == "thanks":
        words.append("danke")
    return english, " ".join(words)


def _phrasings() -> list[tuple[str, str, str]]:
    keys = []
    for template in TEMPLATES:
        fixed = template in ("find_where", "find_help")
        for prefix in [""] if fixed else list(PREFIXES):
            for suffix in [""] if fixed else list(SUFFIXES):
                if prefix and suffix == "please":
                    continue  # "please ... please"
                keys.append((template, prefix, suffix))
    return keys


def generate(seed: int, n_train: int, n_dev: int, n_test: int) -> dict[str, list[tuple]]:
    rng = random.Random(seed)
    phrasings = _phrasings()
    affixed = [k for k in phrasings if k[1] or k[2]]
    held_out = set(rng.sample(affixed, len(affixed) // 8))  # phrasings only test sees
    seen = [k for k in phrasings if k not in held_out]
    splits: dict[str, list[tuple[str, str]]] = {"train": [], "dev": [], "test": []}
    used: set[str] = set()

    def draw(keys: list[tuple[str, str, str]], count: int, into: str) -> None:
        tries = 0
        while len(splits[into]) < count:
            tries += 1
            if tries > 200 * count:
                raise RuntimeError(f"cannot draw {count} distinct sentences for {into}")
            template, prefix, suffix = rng.choice(keys)
            pair = render(TEMPLATES[template](rng), prefix, suffix)
            if pair[0] not in used:
                used.add(pair[0])
                splits[into].append(pair)

    draw(sorted(held_out), n_test // 2, "test")
    draw(seen, n_test, "test")
    draw(seen, n_dev, "dev")
    draw(seen, n_train, "train")
    return splits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "nmt_en_de_commands")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train", type=int, default=8000)
    parser.add_argument("--dev", type=int, default=300)
    parser.add_argument("--test", type=int, default=500)
    args = parser.parse_args()
    splits = generate(args.seed, args.train, args.dev, args.test)
    args.out.mkdir(parents=True, exist_ok=True)
    for split, pairs in splits.items():
        for side, index in (("en", 0), ("de", 1)):
            text = "".join(pair[index] + "\n" for pair in pairs)
            (args.out / f"{split}.{side}").write_text(text, encoding="utf-8")
    summary = {
        "seed": args.seed,
        "pairs": {split: len(pairs) for split, pairs in splits.items()},
        "templates": len(TEMPLATES),
        "phrasings": len(_phrasings()),
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
