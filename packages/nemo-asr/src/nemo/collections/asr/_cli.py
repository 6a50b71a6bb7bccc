"""``nemo transcribe``: speech to text from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from nemo.core.pretrained import load_model

__all__ = ["transcribe"]


def transcribe(args: argparse.Namespace) -> int:
    try:
        model = load_model(args.model)
    except (OSError, ValueError, KeyError) as exc:  # pretrained errors derive from these
        print(f"nemo transcribe: {exc}", file=sys.stderr)
        return 1
    if not hasattr(model, "transcribe"):
        print(
            f"nemo transcribe: {args.model} is a {type(model).__name__}, which does not "
            "transcribe audio",
            file=sys.stderr,
        )
        return 1
    try:
        results = model.transcribe(args.files, batch_size=args.batch_size, return_hypotheses=True)
    except (OSError, ValueError, TypeError) as exc:
        print(f"nemo transcribe: {exc}", file=sys.stderr)
        return 1
    if args.json:
        rows = [_as_json(path, result) for path, result in zip(args.files, results, strict=True)]
        print(json.dumps(rows, indent=2))
    else:
        for path, result in zip(args.files, results, strict=True):
            print(f"{path}\t{result.text}")
    return 0


def _as_json(path: str, hypothesis: Any) -> dict[str, Any]:
    words = (hypothesis.timestamp or {}).get("word", [])
    return {
        "file": path,
        "text": hypothesis.text,
        "words": [
            {key: word[key] for key in ("word", "start", "end") if key in word} for word in words
        ],
    }
