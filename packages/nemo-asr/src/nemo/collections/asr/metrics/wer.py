"""Word (and character) error rate: a function for lists of strings and a batched metric."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torchmetrics import Metric

from nemo.collections.asr.metrics._levenshtein import edit_distance
from nemo.collections.asr.parts.submodules.ctc_decoding import AbstractCTCDecoding, CTCDecoding
from nemo.utils import logging

__all__ = ["WER", "word_error_rate"]


def _units(text: str, use_cer: bool) -> list[str]:
    return list(text) if use_cer else text.split()


def _errors_and_words(
    hypotheses: Sequence[str], references: Sequence[str], use_cer: bool
) -> tuple[int, int]:
    """Σ edit distance and Σ reference length, over words (or characters with ``use_cer``)."""
    errors = 0
    words = 0
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        ref_units = _units(reference, use_cer)
        errors += edit_distance(_units(hypothesis, use_cer), ref_units)
        words += len(ref_units)
    return errors, words


def word_error_rate(
    hypotheses: Sequence[str], references: Sequence[str], use_cer: bool = False
) -> float:
    """Σ edit distance / Σ reference length, over words (or characters with ``use_cer``).

    ``inf`` when the references hold no words.
    """
    if len(hypotheses) != len(references):
        raise ValueError(
            "word_error_rate needs one hypothesis per reference, got "
            f"{len(hypotheses)} hypotheses and {len(references)} references"
        )
    scores, words = _errors_and_words(hypotheses, references, use_cer)
    return scores / words if words else float("inf")


class WER(Metric):
    """Batch WER of CTC outputs against reference token ids (``use_cer`` for CER).

    ``decoding`` is a CTC decoding (:class:`CTCDecoding`, :class:`CTCBPEDecoding`) or simply the
    vocabulary (then greedy character CTC).
    ``update`` replaces the state with the batch's edit distance and reference length (summed
    across processes); ``compute`` returns ``(wer, scores, words)``.
    """

    full_state_update = True

    def __init__(
        self,
        decoding: AbstractCTCDecoding | Sequence[str],
        use_cer: bool = False,
        log_prediction: bool = True,
        fold_consecutive: bool = True,
        batch_dim_index: int = 0,
        dist_sync_on_step: bool = False,
        sync_on_compute: bool = True,
    ) -> None:
        super().__init__(dist_sync_on_step=dist_sync_on_step, sync_on_compute=sync_on_compute)
        if not isinstance(decoding, AbstractCTCDecoding):
            decoding = CTCDecoding({"batch_dim_index": batch_dim_index}, vocabulary=decoding)
        self.decoding = decoding
        self.use_cer = use_cer
        self.log_prediction = log_prediction
        self.fold_consecutive = fold_consecutive
        self.batch_dim_index = batch_dim_index
        self.add_state("scores", default=torch.tensor(0), dist_reduce_fx="sum")
        self.add_state("words", default=torch.tensor(0), dist_reduce_fx="sum")

    scores: torch.Tensor
    words: torch.Tensor

    def update(
        self,
        predictions: torch.Tensor,
        predictions_lengths: torch.Tensor | None,
        targets: torch.Tensor,
        targets_lengths: torch.Tensor,
    ) -> None:
        """Score a batch: ``predictions`` are log-probs (B, T, V) or frame ids (B, T)."""
        targets = targets.detach().long().cpu()
        if self.batch_dim_index != 0:
            targets = targets.movedim(self.batch_dim_index, 0)
        target_lengths = targets_lengths.detach().long().cpu()
        if targets.shape[0] != target_lengths.shape[0]:
            raise ValueError(
                f"targets hold {targets.shape[0]} utterances but targets_lengths "
                f"{target_lengths.shape[0]}"
            )
        references = [
            self.decoding.decode_tokens_to_str(targets[i, : int(n)].tolist())
            for i, n in enumerate(target_lengths)
        ]
        hypotheses = self.decoding.ctc_decoder_predictions_tensor(
            predictions, predictions_lengths, fold_consecutive=self.fold_consecutive
        )
        if self.log_prediction and references:
            logging.info(f"reference:{references[0]}")
            logging.info(f"predicted:{hypotheses[0].text}")
        texts = [hypothesis.text or "" for hypothesis in hypotheses]
        scores, words = _errors_and_words(texts, references, self.use_cer)
        self.scores = torch.tensor(scores, device=self.scores.device, dtype=self.scores.dtype)
        self.words = torch.tensor(words, device=self.words.device, dtype=self.words.dtype)

    def compute(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        scores = self.scores.detach().float()
        words = self.words.detach().float()
        return scores / words, scores, words
