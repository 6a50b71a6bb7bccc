"""From speech to intent: a speech recognizer's transcripts parsed by an intent/slot model.

The two models are found through nemo-core (a ``.nemo`` path or a registered pretrained name),
so nemo-nlp never imports a speech collection: any model with ``transcribe(paths)`` serves
as the recognizer, any with ``parse(texts)`` as the parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["load_model", "understand"]


def load_model(name_or_path: str | Path | Any) -> Any:
    """A model object as it is, a ``.nemo`` file, or a pretrained name (`nemo list pretrained`)."""
    if not isinstance(name_or_path, str | Path):
        return name_or_path
    from nemo.core.classes import ModelPT

    path = Path(name_or_path)
    if path.suffix == ".nemo" or path.exists():
        if not path.is_file():
            raise FileNotFoundError(f"{str(path)!r} does not exist: give a .nemo file or a name")
        return ModelPT.restore_from(path, map_location="cpu")
    return ModelPT.from_pretrained(str(name_or_path), map_location="cpu")


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
