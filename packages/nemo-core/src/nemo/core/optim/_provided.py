"""Module attributes that another distribution of ours defines, resolved on first use.

``from nemo.core.config import NovogradParams`` keeps working as in NeMo, although the class
lives in nemo-optim: the name is looked up lazily, and when the distribution is missing the error
says which one to install instead of a bare ``ModuleNotFoundError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nemo.core._lazy import lazy_exports

__all__ = ["MissingDistributionError", "provided_exports"]


class MissingDistributionError(ImportError):
    """A name is defined by one of our distributions that is not installed."""


def _is_missing(module_path: str, exc: ModuleNotFoundError) -> bool:
    missing = exc.name or ""
    return bool(missing) and (module_path == missing or module_path.startswith(missing + "."))


def provided_exports(
    package: str,
    local: Mapping[str, str],
    provided: Mapping[str, str],
    distribution: str,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__``/``__dir__`` for ``local`` names and names from ``distribution``.

    Both mappings go from attribute name to the module defining it (absolute or relative to
    ``package``).
    """
    exports = {**local, **provided}
    resolve, listing = lazy_exports(package, exports)

    def __getattr__(name: str) -> Any:
        try:
            return resolve(name)
        except ModuleNotFoundError as exc:
            if name not in provided or not _is_missing(provided[name], exc):
                raise
            raise MissingDistributionError(
                f"{package}.{name} is provided by the distribution {distribution!r}, which is "
                f"not installed: pip install -c constraints.txt packages/{distribution}"
            ) from exc

    return __getattr__, listing
