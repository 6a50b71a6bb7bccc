"""Generate the bundled smart-home language-understanding corpus (``data/smart_home_nlu/``).

The labels are those of ``data/smart_home_nlu/schema.md`` (10 intents, 6 IOB-tagged slots).
Commands are lowercase words without punctuation, as the speech recognizer writes them.

Layout (NeMo's intent/slot format, read by ``IntentSlotClassificationModel``)::

    dict.intents.csv   one intent per line; the line number is its id
    dict.slots.csv     one slot label per line (O first, then B-/I- of each slot)
    {split}.tsv        header ``sentence\\tlabel``, then ``words<TAB>intent id``
    {split}_slots.tsv  the slot ids of each sentence's words, space-separated

and NeMo's token classification format (``TokenClassificationModel``), whose training text
also serves tokenizers and masked-LM pretraining::

    text_{split}.txt   the sentences alone, one per line
    labels_{split}.txt each word's slot label (names), space-separated

Splits measure what they claim: every intent has phrasing templates that only ``test`` uses
(word orders and combinations train never saw, made of words it has seen); ``dev`` holds out
sentences of the training templates; ``test_noisy`` is ``test`` passed through simulated
recognition errors (dropped and substituted words, as a speech recognizer makes them), its slot
labels following the words.
Every word of the spoken-command vocabulary (``data/speech_commands/vocabulary.txt``) occurs.

Deterministic: the same ``--seed`` writes byte-identical files::

    python tools/make_nlu_corpus.py [--out data/smart_home_nlu] [--seed 0]

The bundled WordPiece vocabulary (``wordpiece/vocab.txt``) is trained from the training text,
just as deterministically::

    nemo tokenizer train --type wordpiece --vocab-size 400 -o data/smart_home_nlu/wordpiece \
        data/smart_home_nlu/text_train.txt
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTENTS = (
    "device_on", "device_off", "open", "close", "set_color",
    "set_level", "play", "stop", "find", "move",
)  # fmt: skip
SLOTS = ("item", "color", "number", "room", "relation", "destination")
LABELS = ("O", *(f"{p}-{slot}" for slot in SLOTS for p in ("B", "I")))

COLORS = ("red", "green", "blue", "yellow", "black", "white", "orange", "purple", "brown", "gray")
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ROOMS = ("kitchen", "bedroom", "bathroom", "office", "garage", "hall", "living room")
DEVICES = ("lamp", "light", "fan", "radio", "screen", "camera", "kettle", "heater")
LIGHTS = ("lamp", "light", "screen")
LEVELLED = ("fan", "radio", "light", "lamp", "screen", "heater")
OPENABLE = ("door", "window", "box")
MEDIA = ("music", "radio")
STOPPABLE = ("music", "radio", "kettle", "fan")
THINGS = ("camera", "box", "chair", "table", "lamp", "phone", "keys", "bag")
MOVABLE = ("box", "chair", "lamp", "table", "camera", "bag")
RELATIONS = ("near", "under", "on", "in", "to")
DESTINATIONS = ("table", "window", "door")
PREFIXES = (
    "please", "could you", "can you", "would you please", "hey", "um", "uh",
    "i want you to", "kindly", "go ahead and",
)  # fmt: skip
SUFFIXES = ("please", "now", "for me", "right now", "thanks", "please thank you")
DETERMINERS = ("the", "the", "the", "my", "a", "this", "that")

Tagged = list[tuple[str, str]]
Part = Callable[[random.Random], Tagged]


def _words(text: str) -> Part:
    return lambda rng: [(w, "O") for w in text.split()]


def _choice(options: Sequence[str]) -> Part:
    return lambda rng: [(w, "O") for w in rng.choice(options).split()]


def _slot(slot: str, values: Sequence[str]) -> Part:
    def fill(rng: random.Random) -> Tagged:
        words = rng.choice(values).split()
        return [(w, f"{'B' if i == 0 else 'I'}-{slot}") for i, w in enumerate(words)]

    return fill


def _maybe(part: Part, p: float) -> Part:
    return lambda rng: part(rng) if rng.random() < p else []


def _seq(*parts: Part) -> Part:
    return lambda rng: [pair for part in parts for pair in part(rng)]


DET = _choice(DETERMINERS)
PRE = _maybe(_choice(PREFIXES), 0.4)
POST = _maybe(_choice(SUFFIXES), 0.3)
COLOR = _slot("color", COLORS)
NUMBER = _slot("number", NUMBERS)
ROOM = _slot("room", ROOMS)
IN_ROOM = _maybe(_seq(_choice(("in the", "in my", "in the")), ROOM), 0.4)


def _item(values: Sequence[str]) -> Part:
    return _seq(DET, _maybe(COLOR, 0.3), _slot("item", values))


def _room_item(values: Sequence[str]) -> Part:
    """'the kitchen lamp': the room before the item."""
    return _seq(_choice(("the", "my")), ROOM, _slot("item", values))


def _switch_templates(state: str, *, room_first_verb: str) -> tuple[list[Part], list[Part]]:
    """device_on and device_off: the same phrasings, with ``on`` or ``off``."""
    return (
        [
            _seq(PRE, _words(f"turn {state}"), _item(DEVICES), IN_ROOM, POST),
            _seq(PRE, _words(f"switch {state}"), _item(DEVICES), IN_ROOM, POST),
            _seq(PRE, _words("turn"), _item(DEVICES), _words(state), IN_ROOM, POST),
            _seq(PRE, _words("switch"), _room_item(DEVICES), _words(state), POST),
            _seq(PRE, _words(f"power {state}"), _item(DEVICES), IN_ROOM, POST),
            _seq(_slot("item", ("lights", "fan", "radio", "heater")), _words(state), POST),
        ],
        [
            _seq(PRE, _words("in the"), ROOM, _words(room_first_verb), _item(DEVICES), POST),
            _seq(PRE, _words("turn"), _room_item(DEVICES), _words(state), POST),
        ],
    )


# intent -> (train templates, test-only templates)
TEMPLATES: dict[str, tuple[list[Part], list[Part]]] = {
    "device_on": _switch_templates("on", room_first_verb="turn on"),
    "device_off": _switch_templates("off", room_first_verb="switch off"),
    "open": (
        [
            _seq(PRE, _words("open"), _item(OPENABLE), IN_ROOM, POST),
            _seq(PRE, _words("open up"), _item(OPENABLE), POST),
            _seq(PRE, _words("open"), _room_item(OPENABLE), POST),
            _seq(_words("i want"), _item(OPENABLE), _words("open"), POST),
        ],
        [
            _seq(PRE, _words("in the"), ROOM, _words("open"), _item(OPENABLE), POST),
            _seq(_item(OPENABLE), _words("open"), POST),
        ],
    ),
    "close": (
        [
            _seq(PRE, _words("close"), _item(OPENABLE), IN_ROOM, POST),
            _seq(PRE, _words("shut"), _item(OPENABLE), IN_ROOM, POST),
            _seq(PRE, _words("close"), _room_item(OPENABLE), POST),
            _seq(_words("i want"), _item(OPENABLE), _words("closed"), POST),
        ],
        [
            _seq(PRE, _words("in the"), ROOM, _words("shut"), _item(OPENABLE), POST),
            _seq(_item(OPENABLE), _words("closed"), POST),
        ],
    ),
    "set_color": (
        [
            _seq(PRE, _words("make"), _item(LIGHTS), COLOR, IN_ROOM, POST),
            _seq(PRE, _words("set"), _item(LIGHTS), _words("to"), COLOR, IN_ROOM, POST),
            _seq(PRE, _words("turn"), _item(LIGHTS), COLOR, POST),
            _seq(PRE, _words("change"), _room_item(LIGHTS), _words("to"), COLOR, POST),
            _seq(PRE, _words("give"), _item(LIGHTS), _words("a"), COLOR, _words("color"), POST),
        ],
        [
            _seq(PRE, COLOR, _slot("item", ("light", "lamp")), _words("in the"), ROOM, POST),
            _seq(PRE, _words("set"), _room_item(LIGHTS), _words("color to"), COLOR, POST),
        ],
    ),
    "set_level": (
        [
            _seq(PRE, _words("set"), _item(LEVELLED), _words("to"), NUMBER, IN_ROOM, POST),
            _seq(PRE, _words("turn"), _item(LEVELLED), _words("to"), NUMBER, POST),
            _seq(PRE, _words("set the volume of"), _item(LEVELLED), _words("to"), NUMBER, POST),
            _seq(PRE, _words("put"), _room_item(LEVELLED), _words("on level"), NUMBER, POST),
        ],
        [
            _seq(PRE, _words("level"), NUMBER, _words("for"), _item(LEVELLED), POST),
            _seq(PRE, _words("turn"), _room_item(LEVELLED), _words("to"), NUMBER, POST),
        ],
    ),
    "play": (
        [
            _seq(PRE, _words("play"), _slot("item", MEDIA), IN_ROOM, POST),
            _seq(PRE, _words("play"), DET, _slot("item", MEDIA), IN_ROOM, POST),
            _seq(PRE, _words("start"), DET, _slot("item", MEDIA), IN_ROOM, POST),
            _seq(PRE, _words("put on some"), _slot("item", ("music",)), POST),
        ],
        [
            _seq(PRE, _words("in the"), ROOM, _words("play"), _slot("item", MEDIA), POST),
            _seq(PRE, _words("start playing"), DET, _slot("item", MEDIA), IN_ROOM, POST),
        ],
    ),
    "stop": (
        [
            _seq(PRE, _words("stop"), DET, _slot("item", STOPPABLE), IN_ROOM, POST),
            _seq(PRE, _words("stop"), _slot("item", ("music",)), POST),
            _seq(PRE, _words("stop playing"), DET, _slot("item", MEDIA), POST),
            _seq(PRE, _words("halt"), _room_item(STOPPABLE), POST),
        ],
        [
            _seq(PRE, _words("in the"), ROOM, _words("stop"), DET, _slot("item", STOPPABLE)),
            _seq(DET, _slot("item", STOPPABLE), _words("stop"), POST),
        ],
    ),
    "find": (
        [
            _seq(PRE, _words("find"), _item(THINGS), POST),
            _seq(_words("where is"), _item(THINGS), POST),
            _seq(PRE, _words("show me"), _item(THINGS), POST),
            _seq(PRE, _words("give me"), _item(THINGS), POST),
            _seq(PRE, _words("find"), _item(THINGS), _words("in the"), ROOM, POST),
        ],
        [
            _seq(_words("where is"), _item(THINGS), _words("in the"), ROOM, POST),
            _seq(PRE, _words("show me where"), _item(THINGS), _words("is"), POST),
        ],
    ),
    "move": (
        [
            _seq(
                PRE, _words("move"), _item(MOVABLE), _slot("relation", RELATIONS),
                DET, _slot("destination", DESTINATIONS), POST,
            ),
            _seq(
                PRE, _words("put"), _item(MOVABLE), _slot("relation", RELATIONS),
                DET, _slot("destination", DESTINATIONS), POST,
            ),
            _seq(
                PRE, _words("take"), _item(MOVABLE), _slot("relation", ("to", "near")),
                DET, _slot("destination", DESTINATIONS), POST,
            ),
        ],
        [
            _seq(
                PRE, _slot("relation", RELATIONS), DET, _slot("destination", DESTINATIONS),
                _words("put"), _item(MOVABLE), POST,
            ),
            _seq(
                PRE, _words("take"), _item(MOVABLE), _slot("relation", ("on", "under", "in")),
                DET, _slot("destination", DESTINATIONS), POST,
            ),
        ],
    ),
}  # fmt: skip

# recognition errors: words a recognizer confuses (kept in the corpus vocabulary)
CONFUSIONS = {
    "the": ("a", "to"), "a": ("the",), "on": ("in", "one"), "off": ("of",), "to": ("two", "the"),
    "two": ("to",), "four": ("for",), "for": ("four",), "light": ("lights", "right"),
    "lights": ("light",), "fan": ("van",), "lamp": ("lamb",), "red": ("read",), "blue": ("blew",),
    "eight": ("a",), "box": ("books",), "near": ("here",), "hall": ("all",), "my": ("a",),
    "close": ("clothes",), "door": ("floor",), "kitchen": ("kitten",), "turn": ("term",),
}  # fmt: skip
DROP, SUBSTITUTE = 0.06, 0.08


def _sample(templates: list[Part], rng: random.Random, count: int, seen: set[str]) -> list[Tagged]:
    out: list[Tagged] = []
    tries = 0
    while len(out) < count:
        tries += 1
        if tries > count * 200:
            raise RuntimeError(f"only {len(out)} distinct sentences of {count} asked")
        tagged = rng.choice(templates)(rng)
        text = " ".join(w for w, _ in tagged)
        if text not in seen:
            seen.add(text)
            out.append(tagged)
    return out


def _noisy(tagged: Tagged, rng: random.Random) -> Tagged:
    out: Tagged = []
    for word, label in tagged:
        roll = rng.random()
        if roll < DROP and len(tagged) > 2:
            continue
        heard = word
        if roll < DROP + SUBSTITUTE and word in CONFUSIONS:
            heard = rng.choice(CONFUSIONS[word])
        out.append((heard, label))
    if out and out[0][1].startswith("I-"):
        out[0] = (out[0][0], "B-" + out[0][1][2:])
    return [
        (w, "B-" + lab[2:] if lab.startswith("I-") and out[i - 1][1][2:] != lab[2:] else lab)
        for i, (w, lab) in enumerate(out)
    ]


def build(seed: int, sizes: dict[str, int]) -> dict[str, list[tuple[str, Tagged]]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    splits: dict[str, list[tuple[str, Tagged]]] = {name: [] for name in sizes}
    per_intent = {name: count // len(INTENTS) for name, count in sizes.items()}
    for intent in INTENTS:
        train_templates, test_templates = TEMPLATES[intent]
        splits["test"] += [
            (intent, t) for t in _sample(test_templates, rng, per_intent["test"], seen)
        ]
        for split in ("dev", "train"):
            tagged = _sample(train_templates, rng, per_intent[split], seen)
            splits[split] += [(intent, t) for t in tagged]
    for rows in splits.values():
        rng.shuffle(rows)
    noise = random.Random(seed + 1)
    splits["test_noisy"] = [(intent, _noisy(t, noise)) for intent, t in splits["test"]]
    return splits


def write(out: Path, splits: dict[str, list[tuple[str, Tagged]]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "dict.intents.csv").write_text("".join(f"{i}\n" for i in INTENTS))
    (out / "dict.slots.csv").write_text("".join(f"{label}\n" for label in LABELS))
    intent_id = {name: i for i, name in enumerate(INTENTS)}
    label_id = {name: i for i, name in enumerate(LABELS)}
    summary: dict[str, object] = {}
    for split, rows in splits.items():
        sentences = ["sentence\tlabel\n"]
        slots = []
        for intent, tagged in rows:
            sentences.append(" ".join(w for w, _ in tagged) + f"\t{intent_id[intent]}\n")
            slots.append(" ".join(str(label_id[lab]) for _, lab in tagged) + "\n")
        (out / f"{split}.tsv").write_text("".join(sentences))
        (out / f"{split}_slots.tsv").write_text("".join(slots))
        summary[split] = len(rows)
        text = "".join(" ".join(w for w, _ in tagged) + "\n" for _, tagged in rows)
        labels = "".join(" ".join(lab for _, lab in tagged) + "\n" for _, tagged in rows)
        (out / f"text_{split}.txt").write_text(text)
        (out / f"labels_{split}.txt").write_text(labels)
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "smart_home_nlu")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    splits = build(args.seed, {"train": 6000, "dev": 600, "test": 1000})
    write(args.out, splits)
    print({name: len(rows) for name, rows in splits.items()})


if __name__ == "__main__":
    main()
