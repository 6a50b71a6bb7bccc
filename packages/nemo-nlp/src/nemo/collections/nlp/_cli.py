"""``nemo understand``: transcripts, intents and slots of audio files, as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["understand"]


def understand(args: argparse.Namespace) -> int:
    from nemo.collections.nlp._understand import understand as run

    try:
        results = run(args.files, args.asr, args.nlu, batch_size=args.batch_size)
    except (FileNotFoundError, TypeError, ValueError) as exc:
        print(f"nemo understand: {exc}", file=sys.stderr)
        return 2
    for result in results:
        print(json.dumps(result))
    return 0
