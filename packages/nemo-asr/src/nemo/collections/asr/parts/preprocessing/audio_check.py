"""Checking a manifest's audio when the dataset is built, not an hour into training.

Every path is looked up (a stat per line: a million lines cost about two seconds), so a wrong
directory fails at once with ``file:line``. With ``check_audio`` every file is also opened
(about 0.1 ms per FLAC file here): unreadable or empty files, and offsets past a file's end,
are refused the same way. Files at another sample rate are not errors: they are resampled as
they load, as in NeMo, and the check says how many there are.

A bad line raises :class:`~nemo.collections.asr.parts.preprocessing.manifest.ManifestError`;
with ``skip_bad_lines`` it is left out and counted in one warning, like a malformed line.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from nemo.collections.asr.parts.preprocessing.manifest import (
    ManifestEntries,
    ManifestError,
    report_skipped_lines,
)
from nemo.utils import logging

__all__ = ["check_manifest_audio"]


def check_manifest_audio(
    entries: ManifestEntries,
    *,
    sample_rate: int,
    read_headers: bool,
    skip_bad_lines: bool,
) -> ManifestEntries:
    """``entries`` whose audio exists (and, with ``read_headers``, can be used).

    Returns ``entries`` itself when every line passes, else the passing lines (when
    ``skip_bad_lines``); raises ``ManifestError`` for the first bad line otherwise.
    """
    if read_headers:
        import soundfile as sf  # only when checking: opening files is this check's cost
    kept: list[int] = []
    skipped: list[str] = []
    other_rates: Counter[int] = Counter()
    for index in range(len(entries)):
        path = entries.audio_file(index)
        reason = None
        if not os.path.isfile(path):  # noqa: PTH113 - once per line, os.path is faster
            reason = _missing(entries, index, path)
        elif read_headers:
            try:
                with sf.SoundFile(path) as handle:
                    rate, frames = handle.samplerate, handle.frames
            except (sf.LibsndfileError, RuntimeError, OSError) as error:
                reason = f"cannot read audio {path}: {error} (a corrupt or unsupported file?)"
            else:
                reason = _unusable(path, rate, frames, entries.offsets[index])
                if reason is None and rate != sample_rate:
                    other_rates[rate] += 1
        if reason is None:
            kept.append(index)
            continue
        manifest, line = entries.location(index)
        if not skip_bad_lines:
            raise ManifestError(manifest, line, reason)
        skipped.append(f"{manifest}:{line}: {reason}")
    if other_rates:
        rates = ", ".join(f"{count} at {rate} Hz" for rate, count in sorted(other_rates.items()))
        logging.info(
            f"{sum(other_rates.values())} of {len(kept)} audio files are not at {sample_rate} "
            f"Hz ({rates}): they are resampled as they load"
        )
    if not skipped:
        return entries
    report_skipped_lines(skipped, entries.manifest_paths)
    return entries.select(kept)


def _missing(entries: ManifestEntries, index: int, path: str) -> str:
    raw = entries.raw_audio_file(index)
    if os.path.isabs(raw):  # noqa: PTH117
        where = ""
    else:
        manifest, _ = entries.location(index)
        where = (
            f" (a relative path is looked up in the manifest's directory {manifest.parent} "
            f"first, then in the working directory {Path.cwd()})"
        )
    if os.path.isdir(path):  # noqa: PTH112
        return f"audio {path} is a directory, not a file"
    return f"audio file {raw} not found{where}"


def _unusable(path: str, rate: int, frames: int, offset: float) -> str | None:
    if frames <= 0:
        return f"audio {path} has no samples (an empty or truncated file?)"
    length = frames / rate
    if offset >= length:
        return f"'offset' {offset} s is past the end of {path}, which lasts {length:.3f} s"
    return None
