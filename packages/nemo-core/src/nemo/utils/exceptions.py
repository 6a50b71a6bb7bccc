"""The errors NeMo raises for a misconfigured experiment or config (``nemo.utils.exceptions``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from omegaconf.errors import ConfigKeyError

__all__ = [
    "CheckpointMisconfigurationError",
    "ConfigProblem",
    "ConfigValidationError",
    "LoggerMisconfigurationError",
    "NeMoBaseException",
    "NotFoundError",
]


class NeMoBaseException(Exception):
    """Base of every NeMo-specific error."""


class NotFoundError(NeMoBaseException):
    """Something expected on disk (a checkpoint, a directory) is not there."""


class LoggerMisconfigurationError(NeMoBaseException):
    """The Trainer and exp_manager would both create a logger."""

    def __init__(self, message: str) -> None:
        # NeMo appends this hint to every message (with its "lighning" typo, fixed here).
        super().__init__(
            message + " You can disable lightning's trainer from creating a logger by passing "
            "logger=False to its constructor."
        )


class CheckpointMisconfigurationError(NeMoBaseException):
    """The Trainer and exp_manager would both create a checkpoint callback."""


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a config: where (dotted key), what, and how to fix it."""

    key: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.key}: {self.problem}. Fix: {self.fix}"


class ConfigValidationError(NeMoBaseException, ConfigKeyError, ValueError):
    """A config does not match its schema: every problem found, not just the first.

    A ``ConfigKeyError`` (what OmegaConf raises for an unknown key of a structured config) and a
    ``ValueError``, so code written against NeMo's errors keeps catching it.
    """

    def __init__(self, what: str, problems: Sequence[ConfigProblem]) -> None:
        self.what = what
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [f"{what}: {count} problem{'s' if count != 1 else ''} in the configuration"]
        lines += [f"  - {problem}" for problem in self.problems]
        self.message = "\n".join(lines)
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return self.message
