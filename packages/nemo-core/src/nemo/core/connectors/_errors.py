"""The errors restoring raises, so callers can tell a bad file from a bad model."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["NemoArchiveError", "WeightsMismatchError"]

_SHOWN = 20  # keys listed per kind before "... and N more"


class NemoArchiveError(ValueError):
    """A file is not a usable ``.nemo`` archive: not a tar, truncated, corrupt, unsafe, incomplete.

    A ``ValueError``, as the archive's content is the bad input; the message names the file, the
    member and what to do.
    """


class WeightsMismatchError(RuntimeError):
    """The weights in an archive do not fit the model built from its config.

    A ``RuntimeError`` like the one ``torch.nn.Module.load_state_dict`` raises, with the keys and
    shapes as attributes: ``missing`` (in the model, not the archive), ``unexpected`` (in the
    archive, not the model) and ``mismatched`` (``(key, archive shape, model shape)``).
    """

    def __init__(
        self,
        where: str,
        *,
        missing: Sequence[tuple[str, tuple[int, ...]]] = (),
        unexpected: Sequence[tuple[str, tuple[int, ...]]] = (),
        mismatched: Sequence[tuple[str, tuple[int, ...], tuple[int, ...]]] = (),
    ) -> None:
        self.missing = list(missing)
        self.unexpected = list(unexpected)
        self.mismatched = list(mismatched)
        super().__init__(describe_mismatch(where, self.missing, self.unexpected, self.mismatched))


def describe_mismatch(
    where: str,
    missing: Sequence[tuple[str, tuple[int, ...]]],
    unexpected: Sequence[tuple[str, tuple[int, ...]]],
    mismatched: Sequence[tuple[str, tuple[int, ...], tuple[int, ...]]],
) -> str:
    lines = [f"{where}: the weights do not fit the model built from the config"]
    if mismatched:
        lines.append(f"  shape mismatches ({len(mismatched)}), archive vs model:")
        lines += [f"    {key}: {list(a)} vs {list(m)}" for key, a, m in mismatched[:_SHOWN]]
        lines += _more(len(mismatched))
    if missing:
        lines.append(f"  missing: in the model, not in the archive ({len(missing)}):")
        lines += [f"    {key} {list(shape)}" for key, shape in missing[:_SHOWN]]
        lines += _more(len(missing))
    if unexpected:
        lines.append(f"  unexpected: in the archive, not in the model ({len(unexpected)}):")
        lines += [f"    {key} {list(shape)}" for key, shape in unexpected[:_SHOWN]]
        lines += _more(len(unexpected))
    if mismatched:
        lines.append(
            "Check that the config matches the weights (override_config_path changes the "
            "config); shape mismatches cannot be skipped."
        )
    else:
        lines.append(
            "Pass strict=False to load the weights that match and skip the others, or fix the "
            "config (override_config_path)."
        )
    return "\n".join(lines)


def _more(count: int) -> list[str]:
    return [f"    ... and {count - _SHOWN} more"] if count > _SHOWN else []
