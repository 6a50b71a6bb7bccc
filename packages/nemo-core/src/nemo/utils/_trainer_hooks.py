"""How exp_manager asks installed plugins for Trainer loggers and callbacks.

The plugin system lives in ``nemo.core``, which builds on ``nemo.utils``; so exp_manager does not
import it. ``nemo.core`` installs its hook caller here when it is first imported (every script
that builds a NeMo model or uses ``hydra_runner`` imports it before calling exp_manager). Until
then no plugin hooks are called.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: nemo.core imports this module, and stays cheap to import
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    _HookCaller = Callable[..., list[Any]]

__all__ = ["hook_results", "install_hook_caller"]

_callers: list[_HookCaller] = []


def install_hook_caller(caller: _HookCaller) -> None:
    """Make ``caller(hook_name, **kwargs) -> [result per plugin]`` answer :func:`hook_results`."""
    _callers[:] = [caller]


def hook_results(hook_name: str, **kwargs: Any) -> list[Any]:
    """Every installed plugin's result for ``hook_name``; none before nemo.core is imported."""
    return _callers[0](hook_name, **kwargs) if _callers else []
