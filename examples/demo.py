"""The bundled demo: speech recognition and language understanding on the corpora in data/.

    python examples/demo.py            # the shipped models: transcribe, then understand
    python examples/demo.py --train    # train the small ASR model from scratch, then evaluate it

The speech corpus has three test splits, each measuring something the model never heard in
training: voice variants (``test``), whole base voices (``test_unseen_voices``) and another
synthesizer (``test_festival``). The demo prints each one's word error rate, greedy and with
beam search and the language model, the real-time factor (processing time / audio duration) and
a few transcripts; then it parses commands with the intent/slot model shipped with nemo-nlp:
intent accuracy and slot F1 on phrasings training never saw, clean and with simulated
recognition errors; and end to end, from speech to intent, on labelled spoken commands
(data/spoken_nlu, voices the recognizer never heard): intent accuracy and slot-value F1 from
its transcripts, next to the same from the gold text. Last, speech synthesis: the shipped
FastPitch speaks a few commands into ``demo_tts/`` (Griffin-Lim and HiFi-GAN), the recognizer
transcribes them and the intent/slot model parses the transcripts; then the held-out sentences
of the TTS corpus make the round trip with each vocoder: word error rate next to the reference
recordings', mel-cepstral distortion and the real-time factor of synthesis. And translation:
the shipped English->German model translates the held-out test split of its command corpus
(BLEU next to a word-by-word dictionary learned from the same training pairs).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "speech_commands"
SHIPPED_MODEL = "stt_en_commands_quartznet_small"
SHIPPED_NLU = "nlu_en_smart_home_intent_slot"
NLU_CORPUS = ROOT / "data" / "smart_home_nlu"
SPOKEN_NLU = ROOT / "data" / "spoken_nlu" / "manifest.json"
# CTC prefix beam search with the bundled word 3-gram model (tools/build_ngram_lm.py, from the
# training transcripts of both corpora)
BEAM = {
    "strategy": "beam",
    "beam": {
        "beam_size": 16, "beam_alpha": 0.5, "beam_beta": 1.0,
        "kenlm_path": str(ROOT / "data" / "lm" / "commands_3gram.arpa"),
    },
}  # fmt: skip


def _load_split(split: str) -> tuple[list[str], list[str], float]:
    paths, texts, seconds = [], [], 0.0
    with (CORPUS / f"{split}_manifest.json").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            paths.append(str(CORPUS / row["audio_filepath"]))
            texts.append(row["text"])
            seconds += float(row["duration"])
    return paths, texts, seconds


def evaluate(model, split: str = "test", show: int = 5, label: str = "") -> float:  # type: ignore[no-untyped-def]
    """Transcribe a split with batch 16; print WER, real-time factor and examples."""
    from nemo.collections.asr.metrics.wer import word_error_rate

    paths, references, seconds = _load_split(split)
    start = time.perf_counter()
    hypotheses = model.transcribe(paths, batch_size=16)
    elapsed = time.perf_counter() - start
    wer = word_error_rate(hypotheses, references)
    print(
        f"{split}{label}: WER {wer:.2%} on {len(paths)} utterances "
        f"({seconds / 60:.1f} min of audio); "
        f"real-time factor {elapsed / seconds:.4f} ({elapsed:.1f} s)"
    )
    for reference, hypothesis in list(zip(references, hypotheses, strict=True))[:show]:
        mark = "  " if reference == hypothesis else "✗ "
        print(f"  {mark}ref: {reference}\n    hyp: {hypothesis}")
    return wer


# split -> what it measures (see data/speech_commands/README.md)
TEST_SPLITS = {
    "test": "unseen voice variants",
    "test_unseen_voices": "unseen base voices",
    "test_festival": "unseen synthesizer",
}


def evaluate_splits(model) -> None:  # type: ignore[no-untyped-def]
    """Every test split, greedy then with beam search and the LM; the decoding is left beam."""
    greedy = {"strategy": "greedy_batch"}
    for decoding, label in ((greedy, ""), (BEAM, " (beam search + LM)")):
        model.change_decoding_strategy(decoding)
        for split, what in TEST_SPLITS.items():
            evaluate(model, split, show=3 if not label and split != "test" else 0,
                     label=f" [{what}]{label}")  # fmt: skip


def shipped() -> None:
    from nemo.collections.asr.models import EncDecCTCModel

    model = EncDecCTCModel.from_pretrained(SHIPPED_MODEL, map_location="cpu")
    print(f"restored {SHIPPED_MODEL}: {model.num_weights:,} parameters")
    evaluate_splits(model)
    understand(model)
    speak(model)
    translate()


SHIPPED_TTS = "tts_en_commands_fastpitch"
SHIPPED_VOCODER = "tts_en_commands_hifigan"
SHIPPED_GRIFFIN_LIM = "tts_en_commands_griffin_lim"
TTS_TEST = ROOT / "data" / "tts_commands" / "test_manifest.json"
DEMO_COMMANDS = (
    "turn on the kitchen light",
    "set the timer for 15 minutes",
    "play some jazz in the living room",
    "close the garage door",
)


def speak(asr_model) -> None:  # type: ignore[no-untyped-def]
    """Synthesize commands, hear them with the recognizer, parse them; then the round trip."""
    import tempfile

    import soundfile as sf

    from nemo.collections.nlp.models import IntentSlotClassificationModel
    from nemo.collections.tts import GriffinLimModel, round_trip, synthesize
    from nemo.collections.tts.models import FastPitchModel, HifiGanModel

    generator = FastPitchModel.from_pretrained(SHIPPED_TTS, map_location="cpu")
    vocoders = {
        "griffin_lim": GriffinLimModel.from_pretrained(SHIPPED_GRIFFIN_LIM, map_location="cpu"),
        "hifigan": HifiGanModel.from_pretrained(SHIPPED_VOCODER, map_location="cpu"),
    }
    print(
        f"restored {SHIPPED_TTS}: {generator.num_weights:,} parameters; {SHIPPED_VOCODER}: "
        f"{vocoders['hifigan'].num_weights:,}"
    )
    nlu = IntentSlotClassificationModel.from_pretrained(SHIPPED_NLU, map_location="cpu")
    folder = ROOT / "demo_tts"
    folder.mkdir(exist_ok=True)
    for name, vocoder in vocoders.items():
        paths = []
        for index, audio in enumerate(synthesize(list(DEMO_COMMANDS), generator, vocoder)):
            paths.append(str(folder / f"{name}_{index}.wav"))
            sf.write(paths[-1], audio, generator.mel.sample_rate)
        heard = [str(t) for t in asr_model.transcribe(paths)]
        intents, _ = nlu.predict_from_examples(heard, batch_size=8)
        for text, path, transcript, intent in zip(
            DEMO_COMMANDS, paths, heard, intents, strict=True
        ):
            print(f"  {name}: {text!r} -> {Path(path).name} -> heard {transcript!r} -> {intent}")
    with tempfile.TemporaryDirectory() as workdir:
        results = round_trip(TTS_TEST, generator, vocoders, asr_model, workdir)
    ceiling = results.pop("reference")["wer"]
    for name, result in results.items():
        print(
            f"tts round trip ({name}): WER {result['wer']:.2f}% (reference recordings "
            f"{ceiling:.2f}%), MCD {result['mcd']:.2f} dB, synthesis RTF {result['rtf']:.4f} on "
            f"{result['seconds']:.0f} s of held-out sentences"
        )


def understand(asr_model) -> None:  # type: ignore[no-untyped-def]
    """The shipped intent/slot model on the NLU test splits, then speech to intent."""
    from nemo.collections.nlp.metrics import span_f1
    from nemo.collections.nlp.models import IntentSlotClassificationModel

    nlu = IntentSlotClassificationModel.from_pretrained(SHIPPED_NLU, map_location="cpu")
    print(f"restored {SHIPPED_NLU}: {nlu.num_weights:,} parameters")
    labels = (NLU_CORPUS / "dict.slots.csv").read_text().split()
    for split in ("test", "test_noisy"):
        rows = [
            r.rsplit("\t", 1) for r in (NLU_CORPUS / f"{split}.tsv").read_text().splitlines()[1:]
        ]
        gold = [
            [labels[int(i)] for i in line.split()]
            for line in (NLU_CORPUS / f"{split}_slots.tsv").read_text().splitlines()
        ]
        start = time.perf_counter()
        intents, slots = nlu.predict_from_examples([text for text, _ in rows], batch_size=256)
        seconds = time.perf_counter() - start
        hits = sum(nlu.intent_labels[int(g)] == p for (_, g), p in zip(rows, intents, strict=True))
        f1 = span_f1(gold, [s.split() for s in slots])[2]
        print(
            f"{split}: intent accuracy {100 * hits / len(rows):.2f}%, slot F1 {f1:.2f}% on "
            f"{len(rows)} commands ({len(rows) / seconds:.0f} commands/s)"
        )
    from nemo.collections.nlp import evaluate_understanding

    spoken = evaluate_understanding(SPOKEN_NLU, asr_model, nlu)
    print(
        f"speech to intent ({model_decoding(asr_model)}): "
        f"intent accuracy {spoken['intent_accuracy']:.2f}%, slot F1 "
        f"{spoken['slot_f1']:.2f}% on {spoken['commands']} spoken commands (from the gold text: "
        f"{spoken['text_intent_accuracy']:.2f}%, {spoken['text_slot_f1']:.2f}%)"
    )
    for result in spoken["results"][:3]:
        print(
            f"  {Path(result['audio_filepath']).name}: {json.dumps(result['transcript'])} -> "
            f"{result['intent']} {json.dumps(result['slots'])}"
        )


SHIPPED_NMT = "nmt_en_de_commands"
NMT_CORPUS = ROOT / "data" / "nmt_en_de_commands"


def translate() -> None:
    """The shipped translator on its held-out test split, against a word-by-word dictionary."""
    from nemo.collections.nlp.data.machine_translation.machine_translation_dataset import (
        read_parallel_files,
    )
    from nemo.collections.nlp.models import MTEncDecModel
    from nemo.collections.nlp.models.machine_translation.mt_enc_dec_model import corpus_bleu
    from nemo.collections.nlp.models.machine_translation.word_baseline import (
        WordByWordTranslator,
    )

    nmt = MTEncDecModel.from_pretrained(SHIPPED_NMT, map_location="cpu")
    print(f"restored {SHIPPED_NMT}: {nmt.num_weights:,} parameters")
    test = read_parallel_files(NMT_CORPUS / "test.en", NMT_CORPUS / "test.de")
    sources, references = [s for s, _ in test], [t for _, t in test]
    start = time.perf_counter()
    hypotheses = nmt.translate(sources, source_lang="en", target_lang="de")
    seconds = time.perf_counter() - start
    train = read_parallel_files(NMT_CORPUS / "train.en", NMT_CORPUS / "train.de")
    words = WordByWordTranslator.fit(train).translate(sources)
    print(
        f"en->de test: BLEU {corpus_bleu(hypotheses, references):.2f} (word-by-word dictionary "
        f"{corpus_bleu(words, references):.2f}) on {len(sources)} commands, beam "
        f"{nmt.cfg.beam_size}, {len(sources) / seconds:.0f} sentences/s"
    )
    for source, german, reference in list(zip(sources, hypotheses, references, strict=True))[:3]:
        print(f"  {source!r} -> {german!r} (reference {reference!r})")


def model_decoding(model) -> str:  # type: ignore[no-untyped-def]
    return "beam search + LM" if model.decoding.strategy == "beam" else "greedy"


def train(extra: list[str]) -> None:
    """Run examples/asr/speech_to_text.py on the small config, then evaluate its .nemo."""
    from nemo.core.classes import ModelPT

    exp_dir = ROOT / "nemo_experiments"
    name = f"demo_{time.strftime('%Y%m%d_%H%M%S')}"
    command = [
        sys.executable,
        str(ROOT / "examples" / "asr" / "speech_to_text.py"),
        f"exp_manager.exp_dir={exp_dir}",
        f"exp_manager.name={name}",
        *extra,
    ]
    print("training:", " ".join(command), flush=True)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    print(f"trained in {(time.perf_counter() - start) / 60:.1f} min")
    archives = sorted((exp_dir / name).glob("*/checkpoints/*.nemo"))
    if not archives:
        raise SystemExit(f"training wrote no .nemo under {exp_dir / name}")
    model = ModelPT.restore_from(archives[-1], map_location="cpu")
    print(f"restored {archives[-1]}")
    evaluate(model, "dev", show=0)
    evaluate_splits(model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--train", action="store_true", help="train the small model from scratch first"
    )
    parser.add_argument(
        "overrides", nargs="*", help="with --train: Hydra overrides, e.g. trainer.max_steps=500"
    )
    args = parser.parse_args()
    if args.train:
        train(args.overrides)
    elif args.overrides:
        parser.error("overrides go with --train")
    else:
        shipped()


if __name__ == "__main__":
    main()
