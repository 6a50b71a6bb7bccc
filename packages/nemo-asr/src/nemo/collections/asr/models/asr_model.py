"""The base of the speech recognition models: epoch-end WER reduction shared by all of them."""

from __future__ import annotations

from typing import Any

import torch

from nemo.core.classes import ModelPT

__all__ = ["ASRModel"]


class ASRModel(ModelPT):
    """A speech-to-text model whose steps report a loss and WER numerator/denominator.

    At the end of an epoch the WER is the sum of word errors over the sum of reference words
    (not a mean of per-batch WERs, which would weigh short batches too much).
    """

    def multi_validation_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any] | None:
        return _reduce_epoch(outputs, "val")

    def multi_test_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any] | None:
        return _reduce_epoch(outputs, "test")


def _reduce_epoch(outputs: list[Any], prefix: str) -> dict[str, Any] | None:
    if not outputs:
        return None
    loss = torch.stack([torch.as_tensor(x[f"{prefix}_loss"]).float() for x in outputs]).mean()
    errors = torch.stack([torch.as_tensor(x[f"{prefix}_wer_num"]).float() for x in outputs]).sum()
    words = torch.stack([torch.as_tensor(x[f"{prefix}_wer_denom"]).float() for x in outputs]).sum()
    wer = errors / words if words > 0 else torch.tensor(float("inf"))
    return {f"{prefix}_loss": loss, "log": {f"{prefix}_loss": loss, f"{prefix}_wer": wer}}
