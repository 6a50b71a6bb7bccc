"""Tiny real models for the archive tests (importable by subprocesses too, by this name)."""

from __future__ import annotations

from collections import OrderedDict
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


class ShiftedInitModel(ArtifactModel):
    """A layer initialised around 5 (told from unset memory), and buffers computed in the
    constructor: a non-persistent window and a persistent constant."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.extra = torch.nn.Linear(4, 4, bias=False)
        torch.nn.init.normal_(self.extra.weight, mean=5.0, std=0.01)
        self.register_buffer("window", torch.hann_window(16), persistent=False)
        self.register_buffer("scale", torch.full((3,), 2.0))


class RandomBufferModel(ArtifactModel):
    """A non-persistent buffer drawn by an initialiser: no archive holds it."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.register_buffer(
            "rotation", torch.nn.init.orthogonal_(torch.empty(8, 8)), persistent=False
        )


class ReadingModel(ArtifactModel):
    """Reads its initial weights into a Python number while it is built."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.initial_bound = float(self.w.weight.detach().abs().max())


class WeightNormModel(ArtifactModel):
    """A weight-normalised layer: its parameters are computed from the initial weight."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.normed = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(6, 6))


class DoubleModel(ArtifactModel):
    """ArtifactModel's layer in float64: float32 weights are cast as they are loaded."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.w.double()


class UntiedModel(ArtifactModel):
    """TiedModel's layers, not tied: its archive holds two different weights for them, v's
    first (its state dict lists them backwards), while loading copies w's first."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.v = torch.nn.Linear(int(self.cfg.get("n_in", 10)), 1)

    def state_dict(self, *args: Any, **kwargs: Any) -> Any:
        state = super().state_dict(*args, **kwargs)
        backwards = OrderedDict(reversed(state.items()))
        backwards._metadata = state._metadata  # type: ignore[attr-defined]
        return backwards


class BigModel(ArtifactModel):
    """A 36 MB layer: read in pieces, on several threads."""

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg, trainer)
        self.big = torch.nn.Linear(3000, 3000, bias=False)


class BigCustomModel(BigModel):
    """BigModel whose loading is customised: its weights go through buffers."""

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> Any:
        return super().load_state_dict(state_dict, strict=strict, assign=assign)


def model_config(temp_file: Path | None, **extra: Any) -> dict[str, Any]:
    return {"temp_file": None if temp_file is None else str(temp_file), **extra}
