"""Synthesise the bundled spoken-command corpus (``data/speech_commands/``) with two synthesizers.

The corpus lets a fresh clone train and evaluate a CTC model with nothing downloaded and no
speech synthesiser installed: it is generated once, here, and committed as 16 kHz mono 16-bit
FLAC plus NeMo manifests. Only regenerating it needs the Debian tools::

    apt-get install -y espeak-ng sox flac festival festvox-kallpc16k festvox-kdlpc16k \
        festvox-us-slt-hts
    python tools/make_speech_corpus.py            # rewrites data/speech_commands/

What it makes
    Commands drawn from ``vocabulary.txt`` (next to the corpus): verb, article, colour, object,
    then each further word a digit (60%) or a preposition (40%); 3 to 7 words, a command shorter
    than four words being the start of that shape ("turn the red"). A quarter of the sentences
    of every split but ``test`` are instead labelled commands of the language-understanding
    corpus (``data/smart_home_nlu``: its train split for train, its dev and test splits for the
    others), with their ``intent`` and IOB ``slots`` in the manifest line. Every sentence occurs
    once in the whole corpus, so no sentence is shared between splits.

Voices, and what each split measures
    espeak-ng: a voice is an accent (a base voice, ``en-gb-scotland``) plus a variant
    (``+m3``), every utterance drawing its own speed, pitch, word gap and level. festival: a
    voice (``kal_diphone``), every utterance drawing a tempo and a pitch shift (sox).

    * ``train``, ``dev``: the train accents and variants, and 30% festival (``kal_diphone``,
      ``cmu_us_slt_arctic_hts``); dev holds out sentences only.
    * ``test``: train accents, variant *families* train never hears (``steph``, ``steph2``,
      ``steph3`` all go to test); command shape only, so its figure compares with earlier
      corpora's.
    * ``test_unseen_voices``: base voices train never hears (``HELD_OUT_ACCENTS``), with the
      unseen variants: nothing of the voice was in training.
    * ``test_festival``: a festival voice train never hears (``ked_diphone``).

    Before anything is rendered, :func:`check_voices` makes every voice say the same sentence
    and fails if two sound identical: espeak-ng silently ignores a variant it does not know.

Why the audio is quiet
    espeak-ng's pulse-train voicing leaves a large prediction residual, so its FLAC costs about
    one byte per sample per 6 dB of level. Peak levels are drawn between -34 and -22 dBFS: about
    40% more training audio fits the budget than at full scale, quantisation noise stays
    >45 dB below the speech, and the models normalise features per utterance anyway. Leading
    and trailing silence is trimmed to a short random margin of digital silence (free in FLAC).

Budget
    dev and the test splits have fixed counts; train utterances are then generated in a fixed
    order until the next one would push the directory (audio, manifests, vocabulary, summary)
    past ``--budget-mb``, so the corpus holds as much training data as the budget allows.

Determinism
    Every random choice comes from ``--seed``; espeak-ng, festival, sox (no dither, repeatable
    effects) and flac are deterministic, so the same seed and tool versions (recorded in
    ``summary.json``) rebuild byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "speech_commands"
NLU = ROOT / "data" / "smart_home_nlu"
SAMPLE_RATE = 16000
TOOLS = ("espeak-ng", "sox", "flac")
FESTIVAL_TOOLS = ("text2wave",)
APT_PACKAGES = "espeak-ng sox flac festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts"

# espeak-ng accents (its English "languages", the base voices a variant modifies).
ACCENTS = (
    "en-us",
    "en-gb",
    "en-gb-scotland",
    "en-gb-x-gbclan",
    "en-gb-x-rp",
    "en-gb-x-gbcwmd",
    "en-029",
    "en-us-nyc",
)
# Base voices that train never hears: the unseen-voices test split speaks only these.
HELD_OUT_ACCENTS = ("en-029", "en-gb-scotland")
TRAIN_ACCENTS = tuple(accent for accent in ACCENTS if accent not in HELD_OUT_ACCENTS)
# Festival voices (Debian festvox packages): two in train and dev (a diphone and an HTS voice),
# a third only in the unseen-synthesizer test split.
FESTIVAL_TRAIN = ("kal_diphone", "cmu_us_slt_arctic_hts")
FESTIVAL_TEST = ("ked_diphone",)
FESTIVAL_SHARE = 0.3  # of train and dev utterances
FESTIVAL_TEMPO = (0.8, 1.25)  # sox tempo factor (speed without pitch change)
FESTIVAL_CENTS = (-300, 300)  # sox pitch shift
NLU_SHARE = 0.25  # of the utterances of every split but test: a labelled smart-home command
# Voice variants heard in train and dev. Left out everywhere: whisper/whisperf (no voicing at
# all), fast (a speed setting, not a voice), "Mr serious" (a space in its name), and klatt6 and
# caleb, which sound exactly like klatt (check_voices found them; corpus v1 had them in train).
TRAIN_VARIANTS = (
    "m1", "m2", "m4", "m5", "m7", "m8", "f1", "f3", "f5",
    "klatt", "klatt2", "klatt4", "klatt5",
    "Alex", "Alicia", "Andrea", "Andy", "AnxiousAndy", "Demonic", "Denis", "Diogo", "Henrique",
    "Hugo", "Jacky", "Lee", "Marco", "Mario", "Michael", "Mike", "Nguyen", "RicishayMax",
    "RicishayMax2", "RicishayMax3", "Storm", "Tweaky", "UniRobot", "adam", "anika", "anikaRobot",
    "announcer", "antonio", "aunty", "belinda", "benjamin", "boris", "croak", "david",
    "ed", "grandma", "grandpa", "gustave", "iven", "iven2", "iven3", "iven4", "john",
    "kaukovalta", "linda", "marcelo", "max", "michel", "miguel", "norbert", "pablo", "paul",
    "pedro", "quincy", "rob", "robert", "robosoft", "robosoft2", "robosoft3", "robosoft4",
    "robosoft5", "robosoft6", "robosoft7", "robosoft8", "sandro", "shelby", "victor",
)  # fmt: skip
# Heard only in test: whole families (no sibling variant in train), both genders, both of
# espeak-ng's synthesisers (formant tables and klatt).
TEST_VARIANTS = (
    "m3", "m6", "f2", "f4", "klatt3", "Annie", "edward", "edward2", "steph", "steph2", "steph3",
    "travis", "Gene", "Gene2",
)  # fmt: skip

SPEED_WPM = (130, 220)  # espeak-ng default 175
PITCH = (20, 80)  # espeak-ng 0-99, default 50
WORD_GAP = (0, 3)  # extra pause between words, in units of 10 ms at the default speed
PEAK_DBFS = (-34.0, -22.0)
MARGIN_S = (0.02, 0.12)  # silence kept at each end after trimming
TRIM_DB = 45.0  # a 10 ms frame is silence when its RMS is this far below the loudest frame


@dataclass(frozen=True)
class Vocabulary:
    """The word classes of ``vocabulary.txt`` (``class: word word ...`` lines, ``#`` comments)."""

    classes: dict[str, tuple[str, ...]]

    @classmethod
    def read(cls, path: Path) -> Vocabulary:
        classes: dict[str, tuple[str, ...]] = {}
        for number, raw in enumerate(path.read_text().splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            name, sep, words = line.partition(":")
            if not sep or not words.split():
                raise ValueError(f"{path}:{number}: expected 'class: word word ...', got {raw!r}")
            classes[name.strip()] = tuple(words.split())
        required = ("verbs", "articles", "colors", "objects", "digits", "prepositions")
        missing = [name for name in required if name not in classes]
        if missing:
            raise ValueError(f"{path}: missing word classes {missing}")
        return cls(classes)

    def words(self) -> set[str]:
        return {word for words in self.classes.values() for word in words}

    def sentence(self, rng: random.Random) -> str:
        """A command: verb article colour object, then digits (60%) / prepositions (40%)."""
        c = self.classes
        length = rng.randint(3, 7)
        words = [rng.choice(c["verbs"]), rng.choice(c["articles"]), rng.choice(c["colors"])]
        words.append(rng.choice(c["objects"]))
        while len(words) < length:
            words.append(rng.choice(c["digits"] if rng.random() < 0.6 else c["prepositions"]))
        return " ".join(words[:length])


@dataclass(frozen=True)
class Utterance:
    """Everything that decides one recording, drawn up front so generation order is free."""

    split: str
    index: int
    text: str
    accent: str
    variant: str
    speed: int
    pitch: int
    word_gap: int
    peak_dbfs: float
    margins: tuple[float, float]
    festival: str = ""  # a festival voice: then accent, variant, speed, pitch, gap are unused
    tempo: float = 1.0
    cents: int = 0
    intent: str = ""  # a labelled command of the language-understanding corpus
    slots: str = ""

    @property
    def speaker(self) -> str:
        return f"festival+{self.festival}" if self.festival else f"{self.accent}+{self.variant}"

    @property
    def relative_path(self) -> str:
        return f"audio/{self.split}/{self.split}_{self.index:05d}.flac"


@dataclass(frozen=True)
class Voices:
    """Who speaks a split: espeak-ng accents and variants, and festival voices with a share."""

    accents: Sequence[str]
    variants: Sequence[str]
    festival: Sequence[str] = ()
    festival_share: float = 0.0


# split -> its voices, and whether labelled commands are mixed in (test keeps v1's shape only,
# so that its figure stays comparable with earlier corpora's)
SPLITS: dict[str, tuple[Voices, bool]] = {
    "train": (Voices(TRAIN_ACCENTS, TRAIN_VARIANTS, FESTIVAL_TRAIN, FESTIVAL_SHARE), True),
    "dev": (Voices(TRAIN_ACCENTS, TRAIN_VARIANTS, FESTIVAL_TRAIN, FESTIVAL_SHARE), True),
    "test": (Voices(TRAIN_ACCENTS, TEST_VARIANTS), False),
    "test_unseen_voices": (Voices(HELD_OUT_ACCENTS, TEST_VARIANTS), True),
    "test_festival": (Voices((), (), FESTIVAL_TEST, 1.0), True),
}


def labelled_commands(*splits: str) -> list[tuple[str, str, str]]:
    """(text, intent, IOB slots) of the language-understanding corpus's commands in ``splits``.

    Train speaks its train split, the evaluation splits its dev and test splits: so a language
    model trained on the understanding corpus's training text never knows a test sentence.
    """
    intents = (NLU / "dict.intents.csv").read_text().split()
    slot_names = (NLU / "dict.slots.csv").read_text().split()
    commands = []
    for split in splits:
        rows = [r.rsplit("\t", 1) for r in (NLU / f"{split}.tsv").read_text().splitlines()[1:]]
        slots = (NLU / f"{split}_slots.tsv").read_text().splitlines()
        commands += [
            (text, intents[int(intent)], " ".join(slot_names[int(i)] for i in ids.split()))
            for (text, intent), ids in zip(rows, slots, strict=True)
        ]
    return commands


def _draw_utterances(
    split: str,
    voices: Voices,
    vocabulary: Vocabulary,
    seen: set[str],
    seed: int,
    commands: Sequence[tuple[str, str, str]] = (),
) -> Iterator[Utterance]:
    """An endless stream of utterances with sentences never drawn before (``seen`` grows).

    With ``commands``, a share of the sentences are labelled commands (drawn in a shuffled
    order of their own), the rest generated in the command shape.
    """
    rng = random.Random(f"{seed}-{split}")
    pool = list(commands)
    random.Random(f"{seed}-{split}-commands").shuffle(pool)
    index = 0
    while True:
        intent = slots = ""
        if pool and rng.random() < NLU_SHARE:
            text, intent, slots = pool.pop()
        else:
            text = vocabulary.sentence(rng)
        if text in seen:
            continue
        seen.add(text)
        festival = ""
        if voices.festival and rng.random() < voices.festival_share:
            festival = rng.choice(voices.festival)
        accent = rng.choice(voices.accents) if voices.accents else ""
        variant = rng.choice(voices.variants) if voices.variants else ""
        yield Utterance(
            split=split,
            index=index,
            text=text,
            accent=accent,
            variant=variant,
            speed=rng.randint(*SPEED_WPM),
            pitch=rng.randint(*PITCH),
            word_gap=rng.randint(*WORD_GAP),
            peak_dbfs=round(rng.uniform(*PEAK_DBFS), 2),
            margins=(round(rng.uniform(*MARGIN_S), 3), round(rng.uniform(*MARGIN_S), 3)),
            festival=festival,
            tempo=round(rng.uniform(*FESTIVAL_TEMPO), 3) if festival else 1.0,
            cents=rng.randint(*FESTIVAL_CENTS) if festival else 0,
            intent=intent,
            slots=slots,
        )
        index += 1


def _run(command: Sequence[str], data: bytes | None = None) -> bytes:
    result = subprocess.run(list(command), input=data, capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}): {result.stderr.decode()[-500:]}"
        )
    return result.stdout


def _trim(signal: np.ndarray, margins: tuple[float, float]) -> np.ndarray:
    """Cut leading/trailing silence, then pad with exactly ``margins`` seconds of zeros."""
    frame = SAMPLE_RATE // 100
    frames = len(signal) // frame
    rms = np.sqrt(np.mean(signal[: frames * frame].reshape(frames, frame) ** 2, axis=1))
    voiced = np.flatnonzero(rms > rms.max() * 10 ** (-TRIM_DB / 20))
    start, stop = voiced[0] * frame, (voiced[-1] + 1) * frame
    pads = [np.zeros(round(margin * SAMPLE_RATE), dtype=signal.dtype) for margin in margins]
    return np.concatenate([pads[0], signal[start:stop], pads[1]])


def _espeak(utterance: Utterance) -> bytes:
    return _run(
        [
            "espeak-ng", "--stdout",
            "-v", utterance.speaker,
            "-s", str(utterance.speed),
            "-p", str(utterance.pitch),
            "-g", str(utterance.word_gap),
            utterance.text,
        ]
    )  # fmt: skip


def _festival(utterance: Utterance) -> bytes:
    return _run(["text2wave", "-eval", f"(voice_{utterance.festival})", "-o", "-"],
                utterance.text.encode())  # fmt: skip


def synthesise(utterance: Utterance) -> np.ndarray:
    """16 kHz int16 samples of ``utterance``: espeak-ng or festival, sox resampling (and, for
    festival, tempo and pitch), trimming, level."""
    wav = _festival(utterance) if utterance.festival else _espeak(utterance)
    effects: list[str] = []
    header = ["-t", "wav"]
    if utterance.festival:
        effects = ["tempo", "-s", str(utterance.tempo), "pitch", str(utterance.cents)]
        header = ["--ignore-length", *header]  # text2wave cannot fill in a pipe's length
    # -D: no dither (it would add incompressible, non-deterministic noise); -R: repeatable.
    raw = _run(
        ["sox", "-D", "-R", *header, "-", "-t", "f32", "-r", str(SAMPLE_RATE), "-c", "1", "-",
         *effects],
        wav,
    )  # fmt: skip
    signal = _trim(np.frombuffer(raw, dtype="<f4").astype(np.float64), utterance.margins)
    gain = 10 ** (utterance.peak_dbfs / 20) / np.abs(signal).max()
    return np.round(signal * gain * 32767).astype("<i2")


def encode_flac(samples: np.ndarray, path: Path) -> None:
    """Write 16-bit mono FLAC at the strongest subset-compliant setting, with no padding block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            "flac", "-s", "-f", "-8", "-b", "1024", "--no-padding", "--no-seektable",
            "--force-raw-format", "--endian=little", "--sign=signed", "--channels=1",
            "--bps=16", f"--sample-rate={SAMPLE_RATE}", "-o", str(path), "-",
        ],
        samples.tobytes(),
    )  # fmt: skip


def _render(utterance: Utterance, out: Path) -> dict[str, object]:
    samples = synthesise(utterance)
    encode_flac(samples, out / utterance.relative_path)
    entry: dict[str, object] = {
        "audio_filepath": utterance.relative_path,
        "duration": round(len(samples) / SAMPLE_RATE, 4),
        "text": utterance.text,
        "speaker": utterance.speaker,
    }
    if utterance.festival:
        entry.update(tempo=utterance.tempo, cents=utterance.cents)
    else:
        entry.update(wpm=utterance.speed, pitch=utterance.pitch)
    if utterance.intent:
        entry.update(intent=utterance.intent, slots=utterance.slots)
    return entry


def _line(entry: dict[str, object]) -> str:
    return json.dumps(entry) + "\n"


def _entry_bytes(entry: dict[str, object], out: Path) -> int:
    return (out / str(entry["audio_filepath"])).stat().st_size + len(_line(entry).encode())


def render_all(utterances: Sequence[Utterance], out: Path, jobs: int) -> list[dict[str, object]]:
    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(lambda u: _render(u, out), utterances))


def _render_within(
    stream: Iterator[Utterance], out: Path, budget: int, limit: int | None, jobs: int
) -> list[dict[str, object]]:
    """Render ``stream`` in order until the next entry would exceed ``budget`` bytes."""
    entries: list[dict[str, object]] = []
    used = 0
    while True:
        rendered = render_all([next(stream) for _ in range(jobs * 8)], out, jobs)
        for position, entry in enumerate(rendered):
            size = _entry_bytes(entry, out)
            if used + size > budget or (limit is not None and len(entries) >= limit):
                for dropped in rendered[position:]:
                    (out / str(dropped["audio_filepath"])).unlink()
                return entries
            entries.append(entry)
            used += size


_COMMAND_WORDS = "commands"


def _with_command_words(text: str) -> str:
    """``vocabulary.txt`` with its last class listing the labelled commands' other words.

    Every split of the language-understanding corpus counts, so that the vocabulary covers the
    spoken benchmark (data/spoken_nlu) too.
    """
    lines = [
        line
        for line in text.splitlines()
        if not line.startswith((f"{_COMMAND_WORDS}:", "# Words of the labelled"))
    ]
    shape = {
        w for line in lines if not line.startswith("#") for w in line.partition(":")[2].split()
    }
    words: set[str] = set()
    for split in ("train", "dev", "test"):
        rows = (NLU / f"{split}.tsv").read_text().splitlines()[1:]
        words.update(word for row in rows for word in row.rsplit("\t", 1)[0].split())
    lines.append(
        "# Words of the labelled smart-home commands (data/smart_home_nlu) beyond those above."
    )
    lines.append(f"{_COMMAND_WORDS}: " + " ".join(sorted(words - shape)))
    return "\n".join(lines) + "\n"


def _tool_versions() -> dict[str, str]:
    versions = {}
    for tool in TOOLS:
        text = _run([tool, "--version"]).decode().strip().splitlines()[0]
        versions[tool] = text
    festival = _run(["festival", "--version"]).decode().strip().splitlines()[0]
    versions["festival"] = festival
    return versions


def _missing_tools() -> list[str]:
    return [tool for tool in (*TOOLS, *FESTIVAL_TOOLS) if shutil.which(tool) is None]


_PROBE = "turn the red lamp on four two"


def check_voices() -> None:
    """Fail unless every voice the corpus names sounds different from every other.

    espeak-ng silently ignores a variant it does not know (``en-us+M1`` is plain ``en-us``),
    and festival falls back to its default voice, so a misspelt voice would quietly duplicate
    another. Each is rendered saying the same sentence with the same settings and compared.
    """
    import hashlib

    probes: dict[str, Utterance] = {}
    base = Utterance("probe", 0, _PROBE, "en-us", "", 175, 50, 0, -20.0, (0.0, 0.0))
    for accent in ACCENTS:
        probes[accent] = replace(base, accent=accent, variant="")
    for variant in (*TRAIN_VARIANTS, *TEST_VARIANTS):
        probes[f"en-us+{variant}"] = replace(base, variant=variant)
    for voice in (*FESTIVAL_TRAIN, *FESTIVAL_TEST):
        probes[f"festival+{voice}"] = replace(base, festival=voice)
    seen: dict[str, str] = {}
    for name, probe in probes.items():
        if probe.festival:
            audio = _festival(probe)
        else:
            audio = _run(["espeak-ng", "--stdout", "-v", name, "-s", "175", "-p", "50", _PROBE])
        digest = hashlib.sha256(audio[44:]).hexdigest()  # past the WAV header
        if digest in seen:
            raise SystemExit(
                f"voice {name!r} sounds exactly like {seen[digest]!r}: the synthesizer does not "
                "know it (a misspelt variant, or a festival voice that is not installed: "
                f"apt-get install -y {APT_PACKAGES})"
            )
        seen[digest] = name


def _summary_of(entries: list[dict[str, object]]) -> dict[str, object]:
    speakers = sorted({str(e["speaker"]) for e in entries})
    seconds = sum(float(e["duration"]) for e in entries)  # type: ignore[arg-type]
    return {
        "utterances": len(entries),
        "hours": round(seconds / 3600, 4),
        "mean_duration_s": round(seconds / max(len(entries), 1), 3),
        "voices": len(speakers),
        "base_voices": sorted({s.split("+", 1)[0] for s in speakers if "+" in s}),
        "variants": sorted({s.split("+", 1)[1] for s in speakers}),
        "labelled_commands": sum(1 for e in entries if "intent" in e),
    }


def _split_bytes(out: Path, split: str) -> int:
    files = [*(out / "audio" / split).glob("*.flac"), out / f"{split}_manifest.json"]
    return sum(path.stat().st_size for path in files)


def _directory_bytes(out: Path) -> int:
    return sum(path.stat().st_size for path in out.rglob("*") if path.is_file())


EVALUATION_SPLITS = ("dev", "test", "test_unseen_voices", "test_festival")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument(
        "--vocabulary", type=Path, default=None, help="default: <out>/vocabulary.txt"
    )
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--eval", type=int, default=250, help="utterances per test split")
    parser.add_argument("--dev", type=int, default=200, help="dev utterances")
    parser.add_argument("--max-train", type=int, default=None, help="default: fill the budget")
    parser.add_argument(
        "--budget-mb", type=float, default=59.0, help="all files of --out, 10^6 B (cap: 60)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    missing = _missing_tools()
    if missing:
        sys.exit(f"missing {missing}: install them with `apt-get install -y {APT_PACKAGES}`")
    check_voices()
    out: Path = args.out
    vocabulary_path = args.vocabulary or out / "vocabulary.txt"
    vocabulary = Vocabulary.read(vocabulary_path)
    training_commands = labelled_commands("train")
    held_out_commands = labelled_commands("dev", "test")
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocabulary.txt").write_text(_with_command_words(vocabulary_path.read_text()))
    shutil.rmtree(out / "audio", ignore_errors=True)
    for stale in out.glob("*_manifest.json"):
        stale.unlink()

    # Commands are dealt out, so that no two splits share one.
    dealt = {"train": training_commands[: len(training_commands) // len(SPLITS)]}
    share = len(held_out_commands) // len(EVALUATION_SPLITS)
    for i, split in enumerate(EVALUATION_SPLITS):
        dealt[split] = held_out_commands[i * share : (i + 1) * share]
    seen: set[str] = set()
    streams = {
        split: _draw_utterances(
            split, voices, vocabulary, seen, args.seed, dealt[split] if labelled else ()
        )
        for split, (voices, labelled) in SPLITS.items()
    }
    entries = {
        split: render_all(
            [next(streams[split]) for _ in range(args.dev if split == "dev" else args.eval)],
            out,
            args.jobs,
        )
        for split in EVALUATION_SPLITS
    }
    reserve = 8192  # summary.json, written last
    budget = int(args.budget_mb * 1e6) - _directory_bytes(out) - reserve
    budget -= sum(len(_line(e).encode()) for split in entries.values() for e in split)
    entries["train"] = _render_within(streams["train"], out, budget, args.max_train, args.jobs)

    for split in SPLITS:
        manifest = out / f"{split}_manifest.json"
        manifest.write_text("".join(_line(entry) for entry in entries[split]))
    summary = {
        "seed": args.seed,
        "tools": _tool_versions(),
        "splits": {split: _summary_of(entries[split]) for split in SPLITS},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    total = _directory_bytes(out)
    for split, info in summary["splits"].items():  # type: ignore[attr-defined]
        print(
            f"{split:18s} {info['utterances']:5d} utterances  {info['hours']:.3f} h  "
            f"{info['voices']:4d} voices  {info['labelled_commands']:4d} labelled  "
            f"mean {info['mean_duration_s']:.2f} s  {_split_bytes(out, split) / 1e6:.2f} MB"
        )
    print(f"total {total / 1e6:.2f} MB in {out} (budget {args.budget_mb} MB)")
    return 0 if total <= args.budget_mb * 1e6 else 1


if __name__ == "__main__":
    raise SystemExit(main())
