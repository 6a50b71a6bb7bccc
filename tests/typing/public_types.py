"""Checked by mypy in ``nox -s lint``, never run: public functions return their real types.

``assert_type`` fails the lint when a signature returns ``Any`` or a wider type than promised.
"""

from __future__ import annotations

from typing import assert_type

from omegaconf import DictConfig

from nemo.collections.asr.models import EncDecCTCModel, EncDecCTCModelBPE
from nemo.core.classes import ModelPT


def restored_models(path: str) -> None:
    assert_type(EncDecCTCModel.restore_from(path), EncDecCTCModel)
    assert_type(EncDecCTCModelBPE.restore_from(path, map_location="cpu"), EncDecCTCModelBPE)
    assert_type(ModelPT.restore_from(path, return_config=True), DictConfig)


def pretrained_models(name: str) -> None:
    assert_type(EncDecCTCModel.from_pretrained(name), EncDecCTCModel)
    assert_type(EncDecCTCModel.from_pretrained(name, return_config=True), DictConfig)
