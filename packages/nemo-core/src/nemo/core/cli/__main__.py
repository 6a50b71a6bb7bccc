"""``python -m nemo.core.cli``: the ``nemo`` command, without its console script."""

import sys

from nemo.core.cli import main

__all__: list[str] = []

sys.exit(main())
