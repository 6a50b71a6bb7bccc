"""Small utilities shared by nemo-core and the collections.

``logging`` is the ``nemo`` logger, importable as ``from nemo.utils import logging`` like NeMo's.
"""

from __future__ import annotations

import logging as _stdlib_logging

__all__ = ["logging"]

logging = _stdlib_logging.getLogger("nemo")
