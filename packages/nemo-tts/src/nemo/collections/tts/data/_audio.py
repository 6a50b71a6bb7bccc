"""Reading one manifest entry's audio, with the errors naming the manifest line."""

from __future__ import annotations

import soundfile as sf
import torch

from nemo.core.audio.manifest import ManifestEntries, ManifestError

__all__ = ["read_entry_audio"]


def read_entry_audio(entries: ManifestEntries, index: int, sample_rate: int) -> torch.Tensor:
    """Mono float32 samples of entry ``index``; unreadable files and other rates are refused."""
    path = entries.audio_file(index)
    try:
        samples, rate = sf.read(path, dtype="float32", always_2d=True)
    except (OSError, RuntimeError) as error:
        manifest, line = entries.location(index)
        raise ManifestError(manifest, line, f"cannot read {path}: {error}") from error
    if rate != sample_rate:
        manifest, line = entries.location(index)
        raise ManifestError(
            manifest,
            line,
            f"{path} is {rate} Hz but the model is {sample_rate} Hz: resample the corpus "
            f"(sox in.wav -r {sample_rate} out.wav)",
        )
    return torch.from_numpy(samples.mean(axis=1))
