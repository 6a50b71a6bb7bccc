"""Build a word n-gram language model (ARPA) for CTC beam search from text.

Inputs are text files (a sentence per line) or NeMo manifests (``.json``: each line's
``text``); the model is interpolated absolute discounting (``NGramLM``), deterministic, and is
what ``decoding.beam.kenlm_path`` takes::

    python tools/build_ngram_lm.py --order 3 -o data/speech_commands/lm.arpa \\
        data/speech_commands/train_manifest.json data/smart_home_nlu/text_train.txt

Only training text belongs here: a model built from test transcripts would score itself.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nemo.collections.asr.parts.submodules.ngram_lm import NGramLM


def read_sentences(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".json":
        return [str(json.loads(line)["text"]) for line in lines if line.strip()]
    return [line.strip() for line in lines if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path, help="text files or manifests")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the ARPA file")
    parser.add_argument("--order", type=int, default=3)
    parser.add_argument("--discount", type=float, default=0.7)
    args = parser.parse_args(argv)
    sentences = [s for path in args.inputs for s in read_sentences(path)]
    lm = NGramLM.train(sentences, order=args.order, discount=args.discount)
    lm.write_arpa(args.output)
    print(
        f"{args.output}: order {lm.order}, {len(lm.vocabulary)} words, {len(sentences)} sentences"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
