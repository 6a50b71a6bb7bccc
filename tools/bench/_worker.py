"""Runs one measurement in a fresh process: ``python _worker.py module:function '{json kwargs}'``.

The same file runs under our Python and under the peer's (``NEMO_PEER_PYTHON``), so the
measurement modules use only the API that NeMo and this toolkit share, and the standard library.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import emit


def main() -> None:
    target, arguments = sys.argv[1], json.loads(sys.argv[2])
    module_name, _, function_name = target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    emit(function(**arguments))


if __name__ == "__main__":
    main()
