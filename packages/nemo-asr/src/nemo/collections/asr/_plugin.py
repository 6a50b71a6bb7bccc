"""nemo-asr's plugin: registers its models and pretrained checkpoints by lazy reference."""

from __future__ import annotations

from nemo.core.plugins import Registrar, hookimpl


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    del registrar
