"""Generate the single-voice speech-synthesis corpus (``data/tts_commands``).

One espeak-ng voice (``en-us+m1``, fixed speed, pitch and level), so that a spectrogram
generator learns one speaker. Sentences:

- train: smart-home commands of the language-understanding corpus's *train* split, sentences in
  the recognizer's command shape (``data/speech_commands/vocabulary.txt``), and written sentences
  with numbers, times, money, units and abbreviations ("beyond"): their ``text`` is as written,
  ``normalized_text`` what the front end says (and espeak-ng speaks);
- dev / test: commands of the understanding corpus's *dev* / *test* splits, never in train
  (checked): the held-out sentences of the TTS → ASR round trip.

Manifests are NeMo TTS lines (``audio_filepath``, ``duration``, ``text``, ``normalized_text``).
Deterministic (same seed, same tool versions)::

    apt-get install -y espeak-ng sox flac
    python tools/make_tts_corpus.py [--out data/tts_commands] [--seed 11]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_speech_corpus as speech

from nemo.collections.tts.parts.text.normalizer import Normalizer

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "tts_commands"
VOICE = ("en-us", "m1")
SPEED_WPM = 165
PITCH = 50
PEAK_DBFS = -12.0
MARGINS = (0.05, 0.05)
BUDGET_BYTES = 36_000_000
COUNTS = {"train": 960, "dev": 40, "test": 100}
SHAPE_SHARE = 0.12
BEYOND_SHARE = 0.15

_NAMES = ("smith", "jones", "garcia", "miller", "lee", "brown")
_ROOMS = ("kitchen", "bedroom", "garage", "living room", "office", "bathroom")
_BEYOND = (
    "set the timer for {n} minutes",
    "the temperature in the {room} is {x}°C",
    "wake me up at {h}:{mm}",
    "play the {o} song on the list",
    "it costs ${x} in the store",
    "add {n} kg of apples to the shopping list",
    "Dr. {name} called at {h}:{mm}",
    "the battery is at {p}%",
    "drive {n} km to the {o} exit",
    "remind me on the {o} of the month",
    "turn the volume up by {p}%",
    "Mr. {name} lives at number {n}",
    "the meeting is in room {n} & starts at {h}:{mm}",
    "we need {n} liters of water, e.g. for the plants",
    "the {room} light uses {x} kW",
)


def _beyond_sentence(rng: random.Random) -> str:
    return rng.choice(_BEYOND).format(
        n=rng.choice([rng.randint(2, 20), rng.randint(21, 999), rng.randint(1000, 99999)]),
        x=rng.choice([str(rng.randint(1, 40)), f"{rng.randint(1, 40)}.{rng.randint(1, 9)}"]),
        h=rng.randint(1, 12),
        mm=rng.choice(["00", "15", "30", "45", f"{rng.randint(1, 59):02d}"]),
        o=f"{(o := rng.randint(1, 31))}{_suffix(o)}",
        p=rng.randint(5, 100),
        name=rng.choice(_NAMES).capitalize(),
        room=rng.choice(_ROOMS),
    )


def _suffix(number: int) -> str:
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _nlu_sentences(split: str) -> list[str]:
    return [text for text, _, _ in speech.labelled_commands(split)]


def sentences(seed: int) -> dict[str, list[str]]:
    """split → its written sentences; no sentence of dev or test is in train."""
    rng = random.Random(seed)
    vocabulary = speech.Vocabulary.read(speech.CORPUS / "vocabulary.txt")
    held_out = {split: _nlu_sentences(split) for split in ("dev", "test")}
    excluded = {s for split in held_out.values() for s in split}
    pool = [s for s in dict.fromkeys(_nlu_sentences("train")) if s not in excluded]
    rng.shuffle(pool)
    train: list[str] = []
    seen = set(excluded)
    while len(train) < COUNTS["train"]:
        draw = rng.random()
        if draw < BEYOND_SHARE:
            text = _beyond_sentence(rng)
        elif draw < BEYOND_SHARE + SHAPE_SHARE:
            text = vocabulary.sentence(rng)
        else:
            text = pool.pop()
        if text not in seen:
            seen.add(text)
            train.append(text)
    result = {"train": train}
    for split, texts in held_out.items():
        unique = [s for s in dict.fromkeys(texts)]
        random.Random(f"{seed}-{split}").shuffle(unique)
        result[split] = unique[: COUNTS[split]]
    return result


def _render(split: str, index: int, text: str, spoken: str, out: Path) -> dict[str, object]:
    utterance = speech.Utterance(
        split=split, index=index, text=spoken, accent=VOICE[0], variant=VOICE[1],
        speed=SPEED_WPM, pitch=PITCH, word_gap=0, peak_dbfs=PEAK_DBFS, margins=MARGINS,
    )  # fmt: skip
    samples = speech.synthesise(utterance)
    speech.encode_flac(samples, out / utterance.relative_path)
    return {
        "audio_filepath": utterance.relative_path,
        "duration": round(len(samples) / speech.SAMPLE_RATE, 4),
        "text": text,
        "normalized_text": spoken,
        "speaker": utterance.speaker,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args(argv)
    missing = [tool for tool in speech.TOOLS if shutil.which(tool) is None]
    if missing:
        print(f"missing tools: {', '.join(missing)}; apt-get install -y espeak-ng sox flac")
        return 1
    normalizer = Normalizer()
    if (args.out / "audio").exists():
        shutil.rmtree(args.out / "audio")
    total = 0
    summary: dict[str, object] = {"voice": "+".join(VOICE), "wpm": SPEED_WPM, "pitch": PITCH}
    for split, texts in sentences(args.seed).items():
        with ThreadPoolExecutor(args.jobs) as pool:
            futures = [
                pool.submit(_render, split, index, text, normalizer(text), args.out)
                for index, text in enumerate(texts)
            ]
            entries = [future.result() for future in futures]
        lines = "".join(json.dumps(entry) + "\n" for entry in entries)
        (args.out / f"{split}_manifest.json").write_text(lines)
        size = sum((args.out / str(e["audio_filepath"])).stat().st_size for e in entries)
        total += size + len(lines)
        hours = sum(float(str(e["duration"])) for e in entries) / 3600
        summary[split] = {"utterances": len(entries), "hours": round(hours, 3), "bytes": size}
    summary["bytes"] = total
    summary["tools"] = speech._tool_versions()
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if total > BUDGET_BYTES:
        print(f"the corpus is {total} bytes, over the {BUDGET_BYTES} budget: lower COUNTS")
        return 1
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
