"""The spelling of on/off environment switches (``NEMO_OFFLINE=1``, ``NEMO_TYPECHECK=off``...).

One table, so that every ``NEMO_*`` switch accepts the same words. Kept tiny and free of
imports: plugin discovery reads ``NEMO_DISABLE_PLUGIN_AUTOLOAD`` at every start.
"""

from __future__ import annotations

import os

__all__ = ["FALSY", "TRUTHY", "env_flag"]

TRUTHY = frozenset({"1", "true", "yes", "on"})
FALSY = frozenset({"0", "false", "no", "off"})


def env_flag(variable: str) -> bool:
    """Whether ``variable`` is set to one of :data:`TRUTHY` (any case, surrounding blanks).

    Unset or empty is off. Any other word is refused rather than read as off: a misspelt
    ``NEMO_OFFLINE=ture`` must not quietly let a run go to the network.
    """
    value = os.environ.get(variable, "").strip().lower()
    if value in TRUTHY:
        return True
    if value in FALSY or not value:
        return False
    raise ValueError(
        f"{variable}={os.environ[variable]!r} is not understood; set it to one of "
        f"{', '.join(sorted(TRUTHY))} (on) or {', '.join(sorted(FALSY))} (off), or unset it"
    )
