"""``nemo transcribe``: speech to text from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["transcribe"]


def transcribe(args: argparse.Namespace) -> int:
    try:
        model = _load_model(args.model)
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


def _load_model(name_or_path: str) -> Any:
    """A ``.nemo`` file restored as the class its config names, else a pretrained name."""
    from nemo.core.classes import ModelPT

    path = Path(name_or_path).expanduser()
    if path.exists():
        return ModelPT.restore_from(path, map_location="cpu")
    from nemo.core.pretrained import PretrainedModelNotFoundError, fetch_pretrained

    try:
        archive = fetch_pretrained(name_or_path)
    except PretrainedModelNotFoundError as exc:
        raise FileNotFoundError(
            f"--model {name_or_path!r} is neither an existing .nemo file nor a registered "
            f"pretrained model ({exc}); `nemo list pretrained` lists the names"
        ) from exc
    return ModelPT.restore_from(archive, map_location="cpu")


def _as_json(path: str, hypothesis: Any) -> dict[str, Any]:
    words = (hypothesis.timestamp or {}).get("word", [])
    return {
        "file": path,
        "text": hypothesis.text,
        "words": [
            {key: word[key] for key in ("word", "start", "end") if key in word} for word in words
        ],
    }
