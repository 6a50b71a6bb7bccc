"""Speak labelled smart-home commands for the end-to-end (speech → intent) benchmark.

``data/spoken_nlu/`` holds held-out commands of the language-understanding corpus (its ``test``
and ``dev`` splits, never trained on) spoken by espeak-ng voices the speech recognizer never
heard in training (``make_speech_corpus.TEST_VARIANTS``), with the gold intent and slot labels
in the manifest::

    {"audio_filepath": "audio/spoken/spoken_00000.flac", "duration": 1.52, "text": "close that box",
     "intent": "close", "slots": "O O B-item", "speaker": "en-gb+steph2", ...}

Only commands whose every word the bundled recognizer was trained on
(``data/speech_commands/vocabulary.txt``) are spoken: the benchmark measures the pipeline on
speech the recognizer can transcribe, not the recognizer's vocabulary. (The ASR corpus issue
replaces this set with commands of the whole schema spoken in more voices.)

Deterministic, as the speech corpus is (same seed, same tool versions)::

    apt-get install -y espeak-ng sox flac
    python tools/make_spoken_nlu_set.py [--out data/spoken_nlu] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_speech_corpus as speech

ROOT = Path(__file__).resolve().parents[1]
NLU = ROOT / "data" / "smart_home_nlu"
VOCABULARY = ROOT / "data" / "speech_commands" / "vocabulary.txt"


def labelled_commands(vocabulary: set[str]) -> list[tuple[str, str, str]]:
    """(text, intent, IOB slot labels) of every held-out command within ``vocabulary``."""
    intents = (NLU / "dict.intents.csv").read_text().split()
    slot_names = (NLU / "dict.slots.csv").read_text().split()
    commands = []
    for split in ("test", "dev"):
        rows = [r.rsplit("\t", 1) for r in (NLU / f"{split}.tsv").read_text().splitlines()[1:]]
        slots = (NLU / f"{split}_slots.tsv").read_text().splitlines()
        for (text, intent), ids in zip(rows, slots, strict=True):
            if set(text.split()) <= vocabulary:
                labels = " ".join(slot_names[int(i)] for i in ids.split())
                commands.append((text, intents[int(intent)], labels))
    return commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "spoken_nlu")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    missing = [tool for tool in speech.TOOLS if shutil.which(tool) is None]
    if missing:
        sys.exit(f"missing {missing}: install them with `apt-get install -y espeak-ng sox flac`")
    # the command shape's 55 words (what the first recognizer knew), not the v2 corpus's
    # labelled-command words: the set stays what it was, comparable across recognizers
    classes = speech.Vocabulary.read(VOCABULARY).classes
    vocabulary = {w for name, words in classes.items() if name != "commands" for w in words}
    commands = labelled_commands(vocabulary)
    rng = random.Random(f"{args.seed}-spoken")
    utterances = [
        speech.Utterance(
            split="spoken",
            index=index,
            text=text,
            accent=rng.choice(speech.ACCENTS),
            variant=rng.choice(speech.TEST_VARIANTS),
            speed=rng.randint(*speech.SPEED_WPM),
            pitch=rng.randint(*speech.PITCH),
            word_gap=rng.randint(*speech.WORD_GAP),
            peak_dbfs=round(rng.uniform(*speech.PEAK_DBFS), 2),
            margins=(
                round(rng.uniform(*speech.MARGIN_S), 3),
                round(rng.uniform(*speech.MARGIN_S), 3),
            ),
        )
        for index, (text, _, _) in enumerate(commands)
    ]
    shutil.rmtree(args.out / "audio", ignore_errors=True)
    entries = speech.render_all(utterances, args.out, args.jobs)
    lines = [
        json.dumps({**entry, "intent": intent, "slots": slots}) + "\n"
        for entry, (_, intent, slots) in zip(entries, commands, strict=True)
    ]
    (args.out / "manifest.json").write_text("".join(lines))
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{len(lines)} labelled spoken commands, {size / 1e6:.2f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
