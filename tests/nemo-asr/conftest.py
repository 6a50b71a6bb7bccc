"""Fixtures shared by nemo-asr's test modules."""

from __future__ import annotations

import pytest
from asr_test_helpers import load_fixture_model

from nemo.collections.asr.models import EncDecCTCModel


@pytest.fixture(scope="module")
def model() -> EncDecCTCModel:
    """The small QuartzNet NVIDIA NeMo 3.0 trained (data/nemo3_qn_small), in evaluation mode;
    one per test module, so a module may change it."""
    return load_fixture_model()
