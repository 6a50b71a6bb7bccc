"""A download progress bar on stderr, drawn only for a terminal (logs and CI stay clean)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]

_WIDTH = 30
_REDRAW_SECONDS = 0.1


class Progress:
    """``label  [#####.....]  12.0/40.0 MB  30%  5.1 MB/s``, redrawn at most ten times a second."""

    def __init__(
        self, label: str, total: int | None, done: int = 0, stream: TextIO | None = None
    ) -> None:
        self.label = label
        self.total = total
        self.done = done
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = bool(getattr(self._stream, "isatty", lambda: False)())
        self._start = time.monotonic()
        self._start_done = done
        self._drawn_at = 0.0

    def update(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self._enabled and now - self._drawn_at >= _REDRAW_SECONDS:
            self._drawn_at = now
            self._draw(now)

    def close(self) -> None:
        if self._enabled:
            self._draw(time.monotonic())
            self._stream.write("\n")
            self._stream.flush()

    def _draw(self, now: float) -> None:
        rate = (self.done - self._start_done) / max(now - self._start, 1e-6)
        parts = [self.label]
        if self.total:
            filled = int(_WIDTH * min(self.done / self.total, 1.0))
            parts.append(f"[{'#' * filled}{'.' * (_WIDTH - filled)}]")
            parts.append(f"{_mb(self.done)}/{_mb(self.total)} MB")
            parts.append(f"{100 * self.done / self.total:3.0f}%")
        else:
            parts.append(f"{_mb(self.done)} MB")
        parts.append(f"{_mb(int(rate))} MB/s")
        self._stream.write("\r" + "  ".join(parts))
        self._stream.flush()


def _mb(count: int) -> str:
    return f"{count / 1e6:.1f}"
