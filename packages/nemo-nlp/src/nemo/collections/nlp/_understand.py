"""From speech to intent: a speech recognizer's transcripts parsed by an intent/slot model.

The two models are found through nemo-core (a ``.nemo`` path or a registered pretrained name),
so nemo-nlp never imports a speech collection: any model with ``transcribe(paths)`` serves
as the recognizer, any with ``parse(texts)`` as the parser.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nemo.core.pretrained import load_model

__all__ = ["evaluate_understanding", "load_model", "understand"]


def understand(
    audio_files: Sequence[str | Path], asr_model: Any, nlu_model: Any, batch_size: int = 8
) -> list[dict[str, Any]]:
    """``[{"audio_filepath", "transcript", "intent", "slots"}, ...]``, one per file."""
    recognizer, parser = load_model(asr_model), load_model(nlu_model)
    for model, method, role in ((recognizer, "transcribe", "--asr"), (parser, "parse", "--nlu")):
        if not callable(getattr(model, method, None)):
            raise TypeError(
                f"{role} model {type(model).__name__} has no {method}(): give a speech "
                "recognizer for --asr and an intent/slot model for --nlu"
            )
    paths = [str(p) for p in audio_files]
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise FileNotFoundError(f"no such audio file: {', '.join(missing)}")
    transcripts = [str(t) for t in recognizer.transcribe(paths, batch_size=batch_size)]
    parsed = parser.parse(transcripts)
    return [
        {"audio_filepath": path, "transcript": text, **result}
        for path, text, result in zip(paths, transcripts, parsed, strict=True)
    ]


def evaluate_understanding(
    manifest: str | Path, asr_model: Any, nlu_model: Any, batch_size: int = 8
) -> dict[str, Any]:
    """End-to-end scores on a manifest of spoken commands with gold ``intent`` and IOB
    ``slots`` (space-separated, one per word of ``text``): intent accuracy and slot-value F1
    (in %) from the recognizer's transcripts, the same from the gold text (what a perfect
    recognizer would give), and the results, one per command."""
    from nemo.collections.nlp.metrics.span_metrics import slot_value_f1, slot_values

    path = Path(manifest)
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [k for k in ("audio_filepath", "text", "intent", "slots") if k not in row]
        if missing or len(row.get("slots", "").split()) != len(row.get("text", "").split()):
            raise ValueError(
                f"{str(path)!r}, line {number}: a labelled command needs audio_filepath, text, "
                "intent and slots (one IOB label per word of text)"
            )
        audio = Path(row["audio_filepath"])
        row["audio_filepath"] = str(audio if audio.is_absolute() else path.parent / audio)
        rows.append(row)
    parser = load_model(nlu_model)
    results = understand([r["audio_filepath"] for r in rows], asr_model, parser, batch_size)
    from_text = parser.parse([r["text"] for r in rows])
    gold = [slot_values(r["text"].split(), r["slots"].split()) for r in rows]

    def scores(parsed: Sequence[dict[str, Any]]) -> tuple[float, float]:
        hits = sum(p["intent"] == r["intent"] for p, r in zip(parsed, rows, strict=True))
        return 100.0 * hits / len(rows), slot_value_f1(gold, [p["slots"] for p in parsed])[2]

    intent_accuracy, slot_f1 = scores(results)
    text_intent_accuracy, text_slot_f1 = scores(from_text)
    return {
        "commands": len(rows),
        "intent_accuracy": intent_accuracy,
        "slot_f1": slot_f1,
        "text_intent_accuracy": text_intent_accuracy,
        "text_slot_f1": text_slot_f1,
        "results": [
            {**result, "text": row["text"], "gold_intent": row["intent"], "gold_slots": slots}
            for result, row, slots in zip(results, rows, gold, strict=True)
        ],
    }
