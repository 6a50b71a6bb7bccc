"""What every TTS model of this package shares: the text front end and the mel front end.

Both are built from the model's config on first use (``ModelPT.__init__`` sets up data before
a subclass builds its modules, and data needs the tokenizer).
"""

from __future__ import annotations

from typing import Any

import torch

from nemo.collections.tts.parts.text.normalizer import Normalizer
from nemo.collections.tts.parts.text.tokenizers import EnglishCharsTokenizer
from nemo.core.classes import ModelPT
from nemo.utils.model_utils import plain_dict

__all__ = ["MelFrontEnd", "TextFrontEnd", "dataloader_from_config", "mean_of_outputs"]


class TextFrontEnd:
    """``normalize`` then ``tokenize``: text → token ids, the same in training and ``parse``."""

    def __init__(self, cfg: Any) -> None:
        normalizer = cfg.get("text_normalizer")
        tokenizer = cfg.get("text_tokenizer")
        self.normalizer = ModelPT.from_config_dict(normalizer) if normalizer else Normalizer()
        self.tokenizer = (
            ModelPT.from_config_dict(tokenizer) if tokenizer else EnglishCharsTokenizer()
        )

    def ids(self, text: str, normalize: bool = True) -> list[int]:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        spoken = self.normalizer(text) if normalize else text
        if not spoken.strip():
            raise ValueError(
                f"nothing to synthesize in {text!r}: the text is empty"
                + (" after normalisation (it holds no speakable character)" if text.strip() else "")
            )
        return list(self.tokenizer.encode(spoken))


class MelFrontEnd:
    """The mel settings a generator and a vocoder must agree on, read from ``preprocessor``."""

    def __init__(self, preprocessor: Any) -> None:
        featurizer = preprocessor.featurizer
        self.sample_rate = int(featurizer.sample_rate)
        self.n_fft = int(featurizer.n_fft)
        self.hop_length = int(featurizer.hop_length)
        self.win_length = int(featurizer.win_length)
        self.n_mels = int(featurizer.nfilt)
        self.log_zero_guard_value = float(featurizer.log_zero_guard_value_fn(torch.zeros(1)))
        self.filterbank = featurizer.fb.squeeze(0)


def dataloader_from_config(dataset: Any, config: Any, *, shuffle: bool) -> Any:
    """A DataLoader of ``dataset`` with NeMo's ``dataloader_params`` (batch_size, ...)."""
    params = plain_dict(config.get("dataloader_params") or {}, what="dataloader_params")
    params.setdefault("shuffle", shuffle)
    params.setdefault("batch_size", 16)
    params.setdefault("num_workers", 0)
    return torch.utils.data.DataLoader(dataset, collate_fn=dataset.collate_fn, **params)


def mean_of_outputs(outputs: list[Any]) -> dict[str, Any] | None:
    """Every metric of the validation steps averaged: ``{'val_loss', 'log': {...}}``."""
    if not outputs:
        return None
    means = {
        key: torch.stack([torch.as_tensor(x[key]).float() for x in outputs]).mean()
        for key in outputs[0]
    }
    return {"val_loss": means.get("val_loss"), "log": means}
