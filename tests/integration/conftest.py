"""Fresh virtual environments into which tests ``pip install`` real distributions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nemo.core.testing import PluginEnvironment

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_venv(tmp_path: Path) -> Callable[[], PluginEnvironment]:
    return lambda: PluginEnvironment(tmp_path / "venv")
