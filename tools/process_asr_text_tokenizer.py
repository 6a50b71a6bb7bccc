"""Train a sentencepiece tokenizer for EncDecCTCModelBPE from the transcripts of ASR manifests.

Like NeMo's ``scripts/tokenizers/process_asr_text_tokenizer.py``: the transcripts are written to
``<data_root>/text_corpus/document.txt`` and the tokenizer to
``<data_root>/tokenizer_spe_<type>_v<vocab_size>/`` (``tokenizer.model``, ``tokenizer.vocab``,
``vocab.txt``). Point the model's ``tokenizer.dir`` at that directory::

    python tools/process_asr_text_tokenizer.py --manifest train.json,dev.json \
        --data_root tokenizers --vocab_size 128 --spe_type bpe
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def read_transcripts(manifests: Sequence[Path]) -> list[str]:
    """The ``text`` of every line of every manifest (JSON lines)."""
    texts = []
    for manifest in manifests:
        if not manifest.is_file():
            raise FileNotFoundError(f"manifest {str(manifest)!r} does not exist")
        with manifest.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    texts.append(str(json.loads(line)["text"]))
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise ValueError(
                        f"{manifest}:{number}: expected a JSON object with a 'text' key ({exc})"
                    ) from exc
    return texts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", required=True, help="manifest path(s), comma separated")
    parser.add_argument("--data_root", required=True, help="where the tokenizer dir is made")
    parser.add_argument("--vocab_size", type=int, required=True, help="at most this many pieces")
    parser.add_argument("--tokenizer", default="spe", choices=["spe"], help="only sentencepiece")
    parser.add_argument(
        "--spe_type", default="bpe", choices=["bpe", "unigram", "char", "word"], help="model type"
    )
    parser.add_argument("--spe_character_coverage", type=float, default=1.0)
    parser.add_argument("--lower_case", action="store_true", help="lower-case the transcripts")
    args = parser.parse_args(argv)

    from nemo.core.tokenizers import train_sentencepiece_tokenizer

    manifests = [Path(part.strip()) for part in args.manifest.split(",") if part.strip()]
    root = Path(args.data_root)
    try:
        texts = read_transcripts(manifests)
        corpus = root / "text_corpus" / "document.txt"
        corpus.parent.mkdir(parents=True, exist_ok=True)
        corpus.write_text("".join(f"{text}\n" for text in texts), encoding="utf-8")
        out = train_sentencepiece_tokenizer(
            texts,
            root / f"tokenizer_spe_{args.spe_type}_v{args.vocab_size}",
            vocab_size=args.vocab_size,
            model_type=args.spe_type,
            character_coverage=args.spe_character_coverage,
            lower_case=args.lower_case,
        )
    except (OSError, ValueError) as exc:
        print(f"process_asr_text_tokenizer: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
