"""The one way every error message of nemo-core suggests a name ("did you mean ...?").

Its own module, free of imports (``difflib`` is imported on the first suggestion), because the
registries use it and they are on the start-up path of every ``nemo`` command.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: see above
if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["close_matches"]


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates that ``name`` was probably meant to be, best first.

    Spelling first; when nothing is close, the same comparison ignoring case, so ``adamW`` still
    finds ``AdamW`` among names that differ from it mostly in case.
    """
    import difflib

    options = list(candidates)
    close = difflib.get_close_matches(name, options, n=n, cutoff=0.6)
    if not close:
        folded = {option.casefold(): option for option in options}
        close = [folded[c] for c in difflib.get_close_matches(name.casefold(), folded, n=n)]
    return close
