"""NeMo manifests: JSON lines describing utterances, parsed fast into compact parallel arrays.

One line per utterance::

    {"audio_filepath": "audio/a.flac", "duration": 2.3, "text": "hello world", "offset": 0.5}

* audio: ``audio_filepath`` (or the legacy ``audio_filename``); ``~`` is expanded and a relative
  path is relative to the manifest's directory. Decision: NeMo 1.0 resolved relative paths
  against the working directory; later NeMo tries the manifest's directory first. We do the
  latter, falling back to the working directory when only that path exists.
* ``duration`` in seconds (required); optional ``offset`` (seconds), ``speaker``,
  ``orig_sample_rate``.
* transcript: ``text``, else ``text_filepath`` (a file holding it, read now, newlines
  removed), else ``normalized_text``. Manifests of noises or impulse responses need none.

A bad line raises :class:`ManifestError` naming ``file:line`` and the reason; with
``skip_bad_lines`` it is skipped instead and all skipped lines are reported in one warning.

Memory: a million utterances must fit comfortably, so entries are not kept as dicts but as
parallel arrays (one ``array('d')`` per number, one list per string field); an entry object is
built only when indexed. Speed: lines are decoded with the json module's scanner directly,
which is faster than ``json.loads`` per line, leaving room for validation.
"""

from __future__ import annotations

import json
import math
import os
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, overload

from nemo.utils import logging

__all__ = [
    "ManifestEntries",
    "ManifestEntry",
    "ManifestError",
    "read_manifest",
    "report_skipped_lines",
    "split_manifest_paths",
]

_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner, set in __init__
_NUMBER = (float, int)


class _BadLine(Exception):
    """Why a line cannot be used (raised off the fast path only)."""


def _read_text_file(manifest: Path, text_path: Any) -> str:
    if type(text_path) is not str or not text_path:
        raise _BadLine(f"'text_filepath' must be a path, got {text_path!r}")
    full = Path(text_path).expanduser()
    if not full.is_absolute():
        full = manifest.parent / full
    try:
        return full.read_text(encoding="utf-8").replace("\n", "")
    except OSError as error:
        raise _BadLine(f"cannot read 'text_filepath' {full}: {error.strerror}") from error


class ManifestError(ValueError):
    """A manifest line that cannot be used; the message starts with ``file:line:``."""

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        super().__init__(
            f"{path}:{line}: {reason}. Fix the line, or set skip_bad_lines: true in the dataset "
            "config to skip bad lines"
        )
        self.path, self.line, self.reason = str(path), line, reason


class ManifestEntry(NamedTuple):
    """One utterance; ``audio_file`` is resolved, ``raw_audio_file`` as the manifest wrote it."""

    audio_file: str
    duration: float
    text: str
    offset: float
    speaker: Any
    orig_sr: int | None
    raw_audio_file: str


class ManifestEntries(Sequence[ManifestEntry]):
    """The utterances of one or more manifests, in order, as parallel arrays."""

    __slots__ = (
        "_audio",
        "_duration",
        "_line",
        "_manifest",
        "_manifests",
        "_offset",
        "_orig_sr",
        "_speaker",
        "_text",
    )

    def __init__(self) -> None:
        self._manifests: list[Path] = []
        self._manifest = array("I")  # index into _manifests, per entry
        self._line = array("I")  # line number in that manifest
        self._audio: list[str] = []
        self._duration = array("d")
        self._offset = array("d")
        self._text: list[str] = []
        self._speaker: list[Any] = []
        self._orig_sr = array("i")  # 0: unknown

    def __len__(self) -> int:
        return len(self._audio)

    @overload
    def __getitem__(self, index: int) -> ManifestEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[ManifestEntry]: ...
    def __getitem__(self, index: int | slice) -> ManifestEntry | list[ManifestEntry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        raw = self._audio[index]
        orig_sr = self._orig_sr[index]
        return ManifestEntry(
            audio_file=self.audio_file(index),
            duration=self._duration[index],
            text=self._text[index],
            offset=self._offset[index],
            speaker=self._speaker[index],
            orig_sr=orig_sr or None,
            raw_audio_file=raw,
        )

    def __iter__(self) -> Iterator[ManifestEntry]:
        return (self[i] for i in range(len(self)))

    def audio_file(self, index: int) -> str:
        """The audio path of entry ``index``, resolved against its manifest's directory."""
        # os.path, not pathlib: this runs once per loaded utterance.
        raw = self._audio[index]
        if os.path.isabs(raw):  # noqa: PTH117
            return raw
        joined = os.path.join(self._manifests[self._manifest[index]].parent, raw)  # noqa: PTH118
        if not os.path.exists(joined) and os.path.exists(raw):  # noqa: PTH110
            return raw  # NeMo 1.0: relative to the working directory
        return joined

    def raw_audio_file(self, index: int) -> str:
        return self._audio[index]

    def location(self, index: int) -> tuple[Path, int]:
        """``(manifest path, line number)`` of entry ``index``, for messages and tools."""
        return self._manifests[self._manifest[index]], self._line[index]

    def text(self, index: int) -> str:
        return self._text[index]

    @property
    def durations(self) -> array[float]:
        return self._duration

    @property
    def offsets(self) -> array[float]:
        return self._offset

    @property
    def texts(self) -> list[str]:
        return self._text

    @property
    def total_duration(self) -> float:
        return math.fsum(self._duration)

    @property
    def manifest_paths(self) -> list[Path]:
        return list(self._manifests)

    def select(self, indices: Sequence[int]) -> ManifestEntries:
        """The entries at ``indices``, in that order (same manifests, same line numbers)."""
        chosen = ManifestEntries()
        chosen._manifests = self._manifests
        for name in ("_manifest", "_line", "_duration", "_offset", "_orig_sr"):
            column = getattr(self, name)
            setattr(chosen, name, array(column.typecode, (column[i] for i in indices)))
        for name in ("_audio", "_text", "_speaker"):
            column = getattr(self, name)
            setattr(chosen, name, [column[i] for i in indices])
        return chosen


class _Reader:
    """Appends the valid lines of manifest files to one :class:`ManifestEntries`."""

    def __init__(
        self,
        min_duration: float | None,
        max_duration: float | None,
        max_utts: int,
        skip_bad_lines: bool,
        require_text: bool,
    ) -> None:
        self.entries = ManifestEntries()
        self.min_duration = -math.inf if min_duration is None else float(min_duration)
        self.max_duration = math.inf if max_duration is None else float(max_duration)
        self.max_utts = max_utts or 0
        self.skip_bad_lines = skip_bad_lines
        self.require_text = require_text
        self.skipped: list[str] = []
        self.filtered = 0
        self.filtered_seconds = 0.0
        self._speakers: dict[Any, Any] = {}

    def full(self) -> bool:
        return 0 < self.max_utts <= len(self.entries)

    def read(self, path: Path) -> None:  # noqa: PLR0915 - one flat loop, kept inline for speed
        entries = self.entries
        manifest_index = len(entries._manifests)
        entries._manifests.append(path)
        try:
            handle = path.open(encoding="utf-8")
        except OSError as error:
            raise FileNotFoundError(f"cannot read manifest {path}: {error}") from error
        # Hot loop: locals and bound methods, no per-line function calls on the happy path.
        audio_append, text_append = entries._audio.append, entries._text.append
        duration_append, offset_append = entries._duration.append, entries._offset.append
        speaker_append, sr_append = entries._speaker.append, entries._orig_sr.append
        manifest_append, line_append = entries._manifest.append, entries._line.append
        speakers = self._speakers
        low, high, limit = self.min_duration, self.max_duration, self.max_utts
        item: Any
        audio: Any
        duration: Any
        offset: Any
        sample_rate: Any
        with handle:
            for number, line in enumerate(handle, 1):
                try:
                    item, end = _scan(line, 0)
                    if end < len(line) - 1 and line[end:].strip():  # more than the newline
                        raise ValueError
                except (StopIteration, ValueError):
                    item = self._decode_slowly(path, number, line)
                    if item is None:
                        continue
                if type(item) is not dict:
                    self._bad(path, number, f"expected a JSON object, got {type(item).__name__}")
                    continue
                audio = item.get("audio_filepath")
                if audio is None:
                    audio = item.get("audio_filename")
                duration = item.get("duration")
                text = item.get("text")
                if (
                    type(audio) is not str
                    or not audio
                    or type(duration) not in _NUMBER
                    or type(text) is not str
                    or not 0 <= duration < math.inf
                ):
                    try:
                        text = self._transcript(path, item, audio, duration, text)
                    except _BadLine as bad:
                        self._bad(path, number, str(bad))
                        continue
                offset = item.get("offset")
                if offset is None:
                    offset = 0.0
                elif type(offset) not in _NUMBER or not 0 <= offset < math.inf:
                    self._bad(path, number, f"'offset' must be a number >= 0, got {offset!r}")
                    continue
                sample_rate = item.get("orig_sample_rate")
                if sample_rate is None:
                    sample_rate = 0
                elif type(sample_rate) is not int or sample_rate <= 0:
                    self._bad(
                        path,
                        number,
                        f"'orig_sample_rate' must be a positive integer, got {sample_rate!r}",
                    )
                    continue
                if not low <= duration <= high:
                    self.filtered += 1
                    self.filtered_seconds += duration
                    continue
                speaker = item.get("speaker")
                if speaker is not None:
                    speaker = speakers.setdefault(speaker, speaker)  # one object per speaker
                if audio[0] == "~":
                    audio = os.path.expanduser(audio)  # noqa: PTH111 - hot loop
                audio_append(audio)
                duration_append(duration)
                text_append(text)
                offset_append(offset)
                speaker_append(speaker)
                sr_append(sample_rate)
                manifest_append(manifest_index)
                line_append(number)
                if limit and len(entries._audio) >= limit:
                    break

    def _decode_slowly(self, path: Path, number: int, line: str) -> Any:
        """The value of a line the fast path refused: blank (None), valid after all, or bad."""
        if not line.strip():
            return None
        try:
            return json.loads(line)
        except json.JSONDecodeError as error:
            self._bad(path, number, f"not valid JSON ({error.msg} at column {error.colno})")
            return None

    def _transcript(
        self, path: Path, item: dict[str, Any], audio: Any, duration: Any, text: Any
    ) -> str:
        """The transcript of a line that failed the fast checks; raises _BadLine if it is bad."""
        if audio is None:
            raise _BadLine("no 'audio_filepath' (or legacy 'audio_filename')")
        if type(audio) is not str or not audio:
            raise _BadLine(f"'audio_filepath' must be a non-empty string, got {audio!r}")
        if duration is None:
            raise _BadLine("no 'duration' (seconds)")
        if type(duration) not in _NUMBER or not 0 <= duration < math.inf:
            raise _BadLine(f"'duration' must be a number of seconds >= 0, got {duration!r}")
        if text is None and "text_filepath" in item:
            text = _read_text_file(path, item["text_filepath"])
        if text is None:
            text = item.get("normalized_text")
        if text is None and not self.require_text:
            text = ""
        if text is None:
            raise _BadLine("no transcript: give 'text', 'text_filepath' or 'normalized_text'")
        if type(text) is not str:
            raise _BadLine(f"the transcript must be a string, got {text!r}")
        return text

    def _bad(self, path: Path, number: int, reason: str) -> None:
        if not self.skip_bad_lines:
            raise ManifestError(path, number, reason)
        self.skipped.append(f"{path}:{number}: {reason}")

    def report(self, paths: Sequence[Path]) -> None:
        names = ", ".join(str(p) for p in paths)
        if self.skipped:
            report_skipped_lines(self.skipped, paths)
        entries = self.entries
        logging.info(
            f"manifest {names}: {len(entries)} utterances, {entries.total_duration / 3600:.2f} h; "
            f"{self.filtered} filtered by duration ({self.filtered_seconds / 3600:.2f} h)"
        )


def report_skipped_lines(skipped: Sequence[str], paths: Sequence[Path]) -> None:
    """One warning for all the lines ``skip_bad_lines`` left out (``file:line: reason`` each)."""
    names = ", ".join(str(p) for p in paths)
    shown = "; ".join(skipped[:5]) + ("; ..." if len(skipped) > 5 else "")
    logging.warning(
        f"skipped {len(skipped)} bad manifest line(s) in {names} (skip_bad_lines: true): {shown}"
    )


def split_manifest_paths(manifest_filepath: str | Path | Sequence[str | Path]) -> list[Path]:
    """One path per manifest: a list, or NeMo's comma-separated string."""
    if isinstance(manifest_filepath, (str, Path)):
        parts = str(manifest_filepath).split(",")
    else:
        parts = [str(part) for part in manifest_filepath]
    paths = [Path(part.strip()).expanduser() for part in parts if part.strip()]
    if not paths:
        raise ValueError(f"no manifest path in {manifest_filepath!r}")
    return paths


def read_manifest(
    manifest_filepath: str | Path | Sequence[str | Path],
    *,
    min_duration: float | None = None,
    max_duration: float | None = None,
    max_utts: int | None = 0,
    skip_bad_lines: bool = False,
    require_text: bool = True,
) -> ManifestEntries:
    """The utterances of one or more manifests (comma-separated string or list), in order.

    Utterances outside [min_duration, max_duration] are left out, and reading stops after
    ``max_utts`` kept utterances (0 or None: no limit).
    """
    paths = split_manifest_paths(manifest_filepath)
    reader = _Reader(min_duration, max_duration, max_utts or 0, skip_bad_lines, require_text)
    for path in paths:
        if reader.full():
            break
        reader.read(path)
    reader.report(paths)
    return reader.entries
