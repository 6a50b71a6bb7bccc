"""Tiny real models for the archive tests (importable by subprocesses too, by this name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from nemo.core.classes import ModelPT


class ArtifactModel(ModelPT):
    """NeMo's save/restore MockModel: a Linear(n_in, 1) and an artifact from ``cfg.temp_file``.

    The artifact is read while the constructor runs, the only time its path is guaranteed to
    exist; ``seen_files`` records what the artifact's directory held at that moment.
    """

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.w = torch.nn.Linear(int(self.cfg.get("n_in", 10)), 1)
        self.temp_file = self.register_artifact("temp_file", self.cfg.get("temp_file"))
        self.temp_data = None if not self.temp_file else Path(self.temp_file).read_text()
        self.seen_files = (
            sorted(p.name for p in Path(self.temp_file).parent.iterdir()) if self.temp_file else []
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w(x)

    def setup_training_data(self, train_data_config: Any) -> None:
        pass

    def setup_validation_data(self, val_data_config: Any) -> None:
        pass


class TwoArtifactModel(ArtifactModel):
    """Registers ``cfg.temp_file`` and, nested, ``cfg.tokenizer.vocab``."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.vocab = self.register_artifact("tokenizer.vocab", self.cfg.tokenizer.vocab)
        self.vocab_data = Path(self.vocab).read_text() if self.vocab else None


class TiedModel(ArtifactModel):
    """Two modules sharing one weight: the state dict holds the storage once, under two keys."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.v = torch.nn.Linear(int(self.cfg.get("n_in", 10)), 1)
        self.v.weight = self.w.weight


class ChunkRecordingModel(ArtifactModel):
    """Records the keys of every ``load_state_dict`` call (restore loads in chunks)."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.blocks = torch.nn.ModuleList(torch.nn.Linear(64, 64) for _ in range(4))
        self.loaded_chunks: list[list[str]] = []

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> Any:
        self.loaded_chunks.append(list(state_dict))
        return super().load_state_dict(state_dict, strict=strict, assign=assign)


def model_config(temp_file: Path | None, **extra: Any) -> dict[str, Any]:
    return {"temp_file": None if temp_file is None else str(temp_file), **extra}
