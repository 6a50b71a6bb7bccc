"""``nemo tokenizer train``: a tokenizer from text files, and the config section that loads it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["train"]


def train(args: argparse.Namespace) -> int:
    from nemo.core.plugins import UnknownNameError
    from nemo.core.tokenizers._factory import train_tokenizer

    files = [Path(name) for name in args.files]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        print(f"nemo tokenizer train: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    options = {}
    if args.lower_case is not None:
        options["lower_case"] = args.lower_case
    if args.spe_type is not None:
        if args.type != "sentencepiece":
            print("nemo tokenizer train: --spe-type is for --type sentencepiece", file=sys.stderr)
            return 2
        options["model_type"] = args.spe_type
    try:
        result = train_tokenizer(
            args.type, _lines(files), args.output_dir, args.vocab_size, **options
        )
    except (UnknownNameError, ValueError, TypeError, UnicodeDecodeError, ImportError) as exc:
        print(f"nemo tokenizer train: {exc}", file=sys.stderr)
        return 2
    print("tokenizer:")
    for key, value in result.items():
        print(f"  {key}: {value}")
    return 0


def _lines(files: list[Path]) -> Iterator[str]:
    for file in files:
        with file.open(encoding="utf-8") as stream:
            for line in stream:
                yield line.rstrip("\n")
