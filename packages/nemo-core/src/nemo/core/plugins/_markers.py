"""The pluggy markers of the ``nemo`` project name.

Kept in their own module so that a plugin module can import them without importing anything else
of nemo-core.
"""

from __future__ import annotations

import pluggy

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "nemo"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
