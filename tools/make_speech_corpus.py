"""Synthesise the bundled spoken-command corpus (``data/speech_commands/``) with espeak-ng.

The corpus lets a fresh clone train and evaluate a CTC model with nothing downloaded and no
speech synthesiser installed: it is generated once, here, and committed as 16 kHz mono 16-bit
FLAC plus NeMo manifests. Only regenerating it needs the Debian tools::

    apt-get install -y espeak-ng sox flac
    python tools/make_speech_corpus.py            # rewrites data/speech_commands/

What it makes
    Commands drawn from ``vocabulary.txt`` (next to the corpus): verb, article, colour, object,
    then each further word a digit (60%) or a preposition (40%); 3 to 7 words, a command shorter
    than four words being the start of that shape ("turn the red"). Every sentence occurs once
    in the whole corpus, so no sentence is shared between splits.

    A voice is an espeak-ng accent plus a voice variant (``en-gb-scotland+m3``). Train and dev
    use the same variants (dev holds out sentences only); test uses variant *families* that
    train never hears (``steph``, ``steph2``, ``steph3`` all go to test), so its WER measures
    unseen voices. Every utterance draws its own accent, speed (words per minute), pitch, word
    gap and peak level, because voice diversity, not sheer count, is what makes a model trained
    on it generalise to new voices.

Why the audio is quiet
    espeak-ng's pulse-train voicing leaves a large prediction residual, so its FLAC costs about
    one byte per sample per 6 dB of level. Peak levels are drawn between -34 and -22 dBFS: about
    40% more training audio fits the 25 MB budget than at full scale, quantisation noise stays
    >45 dB below the speech, and the models normalise features per utterance anyway. Leading
    and trailing silence is trimmed to a short random margin of digital silence (free in FLAC).

Budget
    dev and test have fixed counts; train utterances are then generated in a fixed order until
    the next one would push the directory (audio, manifests, vocabulary, summary) past
    ``--budget-mb``, so the corpus holds as much training data as the budget allows.

Determinism
    Every random choice comes from ``--seed``; espeak-ng, sox (no dither) and flac are
    deterministic, so the same seed and tool versions (recorded in ``summary.json``) rebuild
    byte-identical files.
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "speech_commands"
SAMPLE_RATE = 16000
TOOLS = ("espeak-ng", "sox", "flac")

# espeak-ng accents (its English "languages"); every split uses all of them.
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
# Voice variants heard in train and dev. Left out everywhere: whisper/whisperf (no voicing at
# all), fast (a speed setting, not a voice) and "Mr serious" (a space in its name).
TRAIN_VARIANTS = (
    "m1", "m2", "m4", "m5", "m7", "m8", "f1", "f3", "f5",
    "klatt", "klatt2", "klatt4", "klatt5", "klatt6",
    "Alex", "Alicia", "Andrea", "Andy", "AnxiousAndy", "Demonic", "Denis", "Diogo", "Henrique",
    "Hugo", "Jacky", "Lee", "Marco", "Mario", "Michael", "Mike", "Nguyen", "RicishayMax",
    "RicishayMax2", "RicishayMax3", "Storm", "Tweaky", "UniRobot", "adam", "anika", "anikaRobot",
    "announcer", "antonio", "aunty", "belinda", "benjamin", "boris", "caleb", "croak", "david",
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

    @property
    def speaker(self) -> str:
        return f"{self.accent}+{self.variant}"

    @property
    def relative_path(self) -> str:
        return f"audio/{self.split}/{self.split}_{self.index:05d}.flac"


def _draw_utterances(
    split: str, variants: Sequence[str], vocabulary: Vocabulary, seen: set[str], seed: int
) -> Iterator[Utterance]:
    """An endless stream of utterances with sentences never drawn before (``seen`` grows)."""
    rng = random.Random(f"{seed}-{split}")
    index = 0
    while True:
        text = vocabulary.sentence(rng)
        if text in seen:
            continue
        seen.add(text)
        yield Utterance(
            split=split,
            index=index,
            text=text,
            accent=rng.choice(ACCENTS),
            variant=rng.choice(variants),
            speed=rng.randint(*SPEED_WPM),
            pitch=rng.randint(*PITCH),
            word_gap=rng.randint(*WORD_GAP),
            peak_dbfs=round(rng.uniform(*PEAK_DBFS), 2),
            margins=(round(rng.uniform(*MARGIN_S), 3), round(rng.uniform(*MARGIN_S), 3)),
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


def synthesise(utterance: Utterance) -> np.ndarray:
    """16 kHz int16 samples of ``utterance``: espeak-ng, sox resampling, trimming, level."""
    wav = _run(
        [
            "espeak-ng", "--stdout",
            "-v", utterance.speaker,
            "-s", str(utterance.speed),
            "-p", str(utterance.pitch),
            "-g", str(utterance.word_gap),
            utterance.text,
        ]
    )  # fmt: skip
    # -D: no dither (it would add incompressible, non-deterministic noise).
    raw = _run(
        ["sox", "-D", "-t", "wav", "-", "-t", "f32", "-r", str(SAMPLE_RATE), "-c", "1", "-"], wav
    )
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
    return {
        "audio_filepath": utterance.relative_path,
        "duration": round(len(samples) / SAMPLE_RATE, 4),
        "text": utterance.text,
        "speaker": utterance.speaker,
        "wpm": utterance.speed,
        "pitch": utterance.pitch,
    }


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


def _tool_versions() -> dict[str, str]:
    versions = {}
    for tool in TOOLS:
        text = _run([tool, "--version"]).decode().strip().splitlines()[0]
        versions[tool] = text
    return versions


def _summary_of(entries: list[dict[str, object]]) -> dict[str, object]:
    speakers = sorted({str(e["speaker"]) for e in entries})
    seconds = sum(float(e["duration"]) for e in entries)  # type: ignore[arg-type]
    return {
        "utterances": len(entries),
        "hours": round(seconds / 3600, 4),
        "mean_duration_s": round(seconds / max(len(entries), 1), 3),
        "voices": len(speakers),
        "variants": sorted({s.split("+", 1)[1] for s in speakers}),
    }


def _split_bytes(out: Path, split: str) -> int:
    files = [*(out / "audio" / split).glob("*.flac"), out / f"{split}_manifest.json"]
    return sum(path.stat().st_size for path in files)


def _directory_bytes(out: Path) -> int:
    return sum(path.stat().st_size for path in out.rglob("*") if path.is_file())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument(
        "--vocabulary", type=Path, default=None, help="default: <out>/vocabulary.txt"
    )
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--test", type=int, default=250, help="test utterances")
    parser.add_argument("--dev", type=int, default=200, help="dev utterances")
    parser.add_argument("--max-train", type=int, default=None, help="default: fill the budget")
    parser.add_argument(
        "--budget-mb", type=float, default=24.9, help="all files of --out, 10^6 B (cap: 25)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        sys.exit(f"missing {missing}: install them with `apt-get install -y espeak-ng sox flac`")
    out: Path = args.out
    vocabulary_path = args.vocabulary or out / "vocabulary.txt"
    vocabulary = Vocabulary.read(vocabulary_path)
    out.mkdir(parents=True, exist_ok=True)
    if vocabulary_path.resolve() != (out / "vocabulary.txt").resolve():
        shutil.copyfile(vocabulary_path, out / "vocabulary.txt")
    shutil.rmtree(out / "audio", ignore_errors=True)
    for stale in out.glob("*_manifest.json"):
        stale.unlink()

    seen: set[str] = set()
    streams = {
        split: _draw_utterances(split, variants, vocabulary, seen, args.seed)
        for split, variants in (("test", TEST_VARIANTS), ("dev", TRAIN_VARIANTS))
    }
    entries = {
        split: render_all([next(streams[split]) for _ in range(count)], out, args.jobs)
        for split, count in (("test", args.test), ("dev", args.dev))
    }
    reserve = 4096  # summary.json, written last
    budget = int(args.budget_mb * 1e6) - _directory_bytes(out) - reserve
    budget -= sum(len(_line(e).encode()) for split in entries.values() for e in split)
    train = _draw_utterances("train", TRAIN_VARIANTS, vocabulary, seen, args.seed)
    entries["train"] = _render_within(train, out, budget, args.max_train, args.jobs)

    for split in ("train", "dev", "test"):
        manifest = out / f"{split}_manifest.json"
        manifest.write_text("".join(_line(entry) for entry in entries[split]))
    summary = {
        "seed": args.seed,
        "tools": _tool_versions(),
        "splits": {split: _summary_of(entries[split]) for split in ("train", "dev", "test")},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    total = _directory_bytes(out)
    for split, info in summary["splits"].items():  # type: ignore[attr-defined]
        print(
            f"{split:5s} {info['utterances']:5d} utterances  {info['hours']:.3f} h  "
            f"{info['voices']:4d} voices ({len(info['variants'])} variants)  "
            f"mean {info['mean_duration_s']:.2f} s  "
            f"{_split_bytes(out, split) / 1e6:.2f} MB"
        )
    print(f"total {total / 1e6:.2f} MB in {out} (budget {args.budget_mb} MB)")
    return 0 if total <= args.budget_mb * 1e6 else 1


if __name__ == "__main__":
    raise SystemExit(main())
