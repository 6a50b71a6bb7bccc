"""Greedy CTC decoding: frame argmax, fold repeats, drop blanks, map ids to labels.

The blank is the last index (``len(vocabulary)``), as in NeMo's character CTC models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from nemo.collections.asr.parts.utils.rnnt_utils import Hypothesis

__all__ = ["CTCDecoding", "ctc_greedy_decode"]

_GREEDY_STRATEGIES = ("greedy", "greedy_batch")


def ctc_greedy_decode(frame_ids: Sequence[int], blank: int, fold_consecutive: bool = True) -> list[int]:
    """Token ids of a CTC frame sequence: repeats folded (unless told not to), blanks removed."""
    tokens = []
    previous = blank
    for token in frame_ids:
        if token != blank and (not fold_consecutive or token != previous):
            tokens.append(int(token))
        previous = token
    return tokens


class CTCDecoding:
    """Turns CTC decoder outputs (log-probs or frame ids) into text and :class:`Hypothesis`.

    ``decoding_cfg`` is the model config's ``decoding`` section; only the greedy strategies are
    implemented, and ``batch_dim_index`` says where the batch axis of the outputs is.
    """

    def __init__(self, decoding_cfg: Mapping[str, Any] | None, vocabulary: Sequence[str]) -> None:
        cfg = dict(decoding_cfg or {})
        strategy = cfg.get("strategy", "greedy_batch")
        if strategy not in _GREEDY_STRATEGIES:
            raise ValueError(
                f"CTC decoding strategy {strategy!r} is not available; use one of "
                f"{', '.join(_GREEDY_STRATEGIES)}"
            )
        if not vocabulary:
            raise ValueError("CTCDecoding needs a non-empty vocabulary (the model's labels)")
        self.cfg = cfg
        self.strategy = strategy
        self.vocabulary = list(vocabulary)
        self.blank_id = len(self.vocabulary)
        self.batch_dim_index = int(cfg.get("batch_dim_index", 0))

    def decode_ids_to_tokens(self, tokens: Sequence[int]) -> list[str]:
        """The labels of ``tokens``."""
        return [self.vocabulary[int(t)] for t in tokens]

    def decode_tokens_to_str(self, tokens: Sequence[int]) -> str:
        """The text of ``tokens`` (characters joined with no separator)."""
        return "".join(self.decode_ids_to_tokens(tokens))

    @torch.no_grad()
    def ctc_decoder_predictions_tensor(
        self,
        decoder_outputs: torch.Tensor,
        decoder_lengths: torch.Tensor | None = None,
        fold_consecutive: bool = True,
        return_hypotheses: bool = False,
    ) -> list[Hypothesis]:
        """One hypothesis per utterance from log-probs (B, T, V) or frame ids (B, T)."""
        if decoder_outputs.dim() not in (2, 3):
            raise ValueError(
                "decoder_outputs must be log-probs (B, T, V) or frame ids (B, T), got shape "
                f"{tuple(decoder_outputs.shape)}"
            )
        if self.batch_dim_index != 0:
            decoder_outputs = decoder_outputs.movedim(self.batch_dim_index, 0)
        outputs = decoder_outputs.detach().cpu()
        from_logprobs = outputs.dim() == 3
        if from_logprobs:
            best, frame_ids = outputs.float().max(dim=-1)
        else:
            frame_ids = outputs.long()
        lengths = None if decoder_lengths is None else decoder_lengths.detach().cpu().long()
        hypotheses = []
        for b in range(frame_ids.shape[0]):
            length = frame_ids.shape[1] if lengths is None else int(lengths[b])
            ids = frame_ids[b, :length].tolist()
            tokens = ctc_greedy_decode(ids, self.blank_id, fold_consecutive)
            score = float(best[b, :length].sum()) if from_logprobs else -1.0
            hypotheses.append(
                Hypothesis(
                    score=score,
                    y_sequence=tokens,
                    text=self.decode_tokens_to_str(tokens),
                    alignments=ids if return_hypotheses else None,
                    length=0 if lengths is None else length,
                )
            )
        return hypotheses
