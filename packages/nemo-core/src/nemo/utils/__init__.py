"""Small utilities shared by nemo-core and the collections: the floor that nemo.core builds on.

``logging`` is the ``nemo`` logger, importable as ``from nemo.utils import logging`` like NeMo's.
It is made on first use, so that the plugin registries, which use helpers from here on the
start-up path of every ``nemo`` command, do not pay for the standard ``logging`` module.
Nothing in this package imports ``nemo.core``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: see above
if TYPE_CHECKING:
    import logging as _stdlib_logging

    logging: _stdlib_logging.Logger

__all__ = ["logging"]


def __getattr__(name: str) -> object:
    if name == "logging":
        import logging as stdlib_logging

        logger = globals()["logging"] = stdlib_logging.getLogger("nemo")
        return logger
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
