"""What the inference scripts share: the model to load, the audio to read, the manifest to write."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TranscriptionConfig", "load_model", "score_manifest", "transcribe_to_manifest"]

_AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")


@dataclass
class TranscriptionConfig:
    model_path: str | None = None  # a .nemo file
    pretrained_name: str | None = None  # a name from `nemo list pretrained`
    audio_dir: str | None = None  # transcribe every audio file of a directory...
    dataset_manifest: str | None = None  # ... or of a manifest
    batch_size: int = 16
    num_workers: int = 0
    device: str = "auto"  # auto, cpu, cuda, cuda:1...


def load_model(cfg: Any) -> Any:
    """The model named by ``model_path`` xor ``pretrained_name``, on ``cfg.device``."""
    import torch

    from nemo.core.classes import ModelPT

    if (cfg.model_path is None) == (cfg.pretrained_name is None):
        raise SystemExit("give exactly one of model_path=FILE.nemo or pretrained_name=NAME")
    device = cfg.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if cfg.model_path is not None:
        model = ModelPT.restore_from(cfg.model_path, map_location=device)
    else:
        model = ModelPT.from_pretrained(cfg.pretrained_name, map_location=device)
    return model.eval()


def _inputs(cfg: Any) -> tuple[list[dict[str, Any]], Path]:
    """Manifest rows (audio paths made absolute) and the path the output is named after."""
    if (cfg.audio_dir is None) == (cfg.dataset_manifest is None):
        raise SystemExit("give exactly one of audio_dir=DIR or dataset_manifest=FILE.json")
    if cfg.audio_dir is not None:
        directory = Path(cfg.audio_dir)
        files = sorted(p for p in directory.iterdir() if p.suffix.lower() in _AUDIO_SUFFIXES)
        if not files:
            raise SystemExit(f"no audio files ({', '.join(_AUDIO_SUFFIXES)}) in {directory}")
        return [{"audio_filepath": str(p)} for p in files], directory
    from nemo.collections.asr.parts.preprocessing.manifest import read_manifest

    manifest = Path(cfg.dataset_manifest)
    rows = [
        {"audio_filepath": e.audio_file, "duration": e.duration, "text": e.text}
        for e in read_manifest(manifest, require_text=False)
    ]
    return rows, manifest


def transcribe_to_manifest(cfg: Any) -> tuple[Path, float]:
    """Transcribe the inputs; write them with ``pred_text``; return the file and the RTF."""
    model = load_model(cfg)
    rows, source = _inputs(cfg)
    paths = [row["audio_filepath"] for row in rows]
    start = time.perf_counter()
    texts = model.transcribe(paths, batch_size=cfg.batch_size, num_workers=cfg.num_workers)
    elapsed = time.perf_counter() - start
    audio_seconds = sum(_duration(row) for row in rows)
    output = Path(cfg.output_filename or f"{source.with_suffix('')}_transcribed.json")
    with output.open("w", encoding="utf-8") as out:
        for row, text in zip(rows, texts, strict=True):
            out.write(json.dumps({**row, "pred_text": text}) + "\n")
    return output, elapsed / max(audio_seconds, 1e-9)


def _duration(row: dict[str, Any]) -> float:
    if "duration" in row:
        return float(row["duration"])
    import soundfile

    return float(soundfile.info(row["audio_filepath"]).duration)


def score_manifest(manifest: str | Path, *, use_cer: bool = False) -> tuple[float, int]:
    """WER (or CER) of ``pred_text`` against ``text`` over a manifest's lines."""
    from nemo.collections.asr.metrics.wer import word_error_rate

    references, hypotheses = [], []
    with Path(manifest).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "text" not in row or "pred_text" not in row:
                raise SystemExit(f"{manifest}:{number}: needs both 'text' and 'pred_text' keys")
            references.append(row["text"])
            hypotheses.append(row["pred_text"])
    return word_error_rate(hypotheses, references, use_cer=use_cer), len(references)
