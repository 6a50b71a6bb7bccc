"""NEMO_* on/off switches all accept the same words and refuse the others."""

from __future__ import annotations

import pytest

from nemo.core._env import env_flag


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), (" ON ", True), ("yes", True), ("0", False), ("off", False), ("", False)],
)
def test_words(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("NEMO_SOME_SWITCH", value)
    assert env_flag("NEMO_SOME_SWITCH") is expected


def test_unset_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEMO_SOME_SWITCH", raising=False)
    assert env_flag("NEMO_SOME_SWITCH") is False


def test_a_misspelt_value_is_refused_not_read_as_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEMO_OFFLINE", "ture")
    with pytest.raises(ValueError, match=r"NEMO_OFFLINE='ture' is not understood.*1, on"):
        env_flag("NEMO_OFFLINE")
