"""Greedy and beam-search generation over a :class:`TransformerDecoderNM` (NeMo's names).

Both stop early, once every hypothesis has produced ``eos``, and never run longer than the
source plus ``max_delta_length`` tokens. With ``use_cache`` (the default) each step decodes only
the newest token against the cached keys and values of the earlier ones; without it each step
re-runs the decoder over the whole prefix. The outputs are the same, only the cost differs
(``nox -s bench`` measures it).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.nn import functional as F

from nemo.collections.nlp.modules.common.transformer.transformer import (
    DecoderCache,
    TransformerDecoderNM,
)

__all__ = ["BeamSearchSequenceGenerator", "GreedySequenceGenerator"]


class _Stepper:
    """Log-probabilities of the next token of every row, with or without the cache."""

    def __init__(
        self,
        decoder: TransformerDecoderNM,
        head: Callable[[torch.Tensor], torch.Tensor],
        memory: torch.Tensor,
        memory_mask: torch.Tensor,
        use_cache: bool,
    ) -> None:
        self.decoder, self.head = decoder, head
        self.memory, self.memory_mask = memory, memory_mask
        self.cache: DecoderCache | None = (
            decoder.start_cache(memory, memory_mask) if use_cache else None
        )

    def log_probs(self, prefix: torch.Tensor) -> torch.Tensor:
        if self.cache is not None:
            states = self.decoder.step(prefix[:, self.cache.length :], self.cache)
        else:
            states = self.decoder(
                input_ids=prefix,
                decoder_mask=None,
                encoder_embeddings=self.memory,
                encoder_mask=self.memory_mask,
            )
        return F.log_softmax(self.head(states[:, -1:])[:, -1].float(), dim=-1)

    def select(self, rows: torch.Tensor) -> None:
        if self.cache is not None:
            self.cache.select(rows)


class GreedySequenceGenerator:
    """The most probable next token at every step."""

    def __init__(
        self,
        decoder: TransformerDecoderNM,
        head: Callable[[torch.Tensor], torch.Tensor],
        pad: int,
        bos: int,
        eos: int,
        max_sequence_length: int = 512,
        max_delta_length: int = 20,
        use_cache: bool = True,
    ) -> None:
        self.decoder, self.head = decoder, head
        self.pad, self.bos, self.eos = pad, bos, eos
        self.max_sequence_length = max_sequence_length
        self.max_delta_length = max_delta_length
        self.use_cache = use_cache

    def _max_steps(self, memory_mask: torch.Tensor) -> int:
        source = int(memory_mask.sum(1).max())
        return max(1, min(source + self.max_delta_length, self.max_sequence_length - 1))

    def _stepper(self, memory: torch.Tensor, memory_mask: torch.Tensor) -> _Stepper:
        return _Stepper(self.decoder, self.head, memory, memory_mask, self.use_cache)

    def _frozen(self, log_probs: torch.Tensor, finished: torch.Tensor) -> torch.Tensor:
        """Finished rows may only add padding, at no cost."""
        if finished.any():
            log_probs = log_probs.masked_fill(finished[:, None], float("-inf"))
            log_probs[:, self.pad] = torch.where(finished, 0.0, log_probs[:, self.pad])
        return log_probs

    @torch.no_grad()
    def __call__(
        self, encoder_hidden_states: torch.Tensor, encoder_input_mask: torch.Tensor
    ) -> torch.Tensor:
        """Token ids ``[B, L]``, each row starting with ``bos``, padded after ``eos``."""
        batch = encoder_hidden_states.shape[0]
        stepper = self._stepper(encoder_hidden_states, encoder_input_mask)
        tokens = torch.full((batch, 1), self.bos, device=encoder_hidden_states.device)
        finished = torch.zeros(batch, dtype=torch.bool, device=tokens.device)
        for _ in range(self._max_steps(encoder_input_mask)):
            log_probs = self._frozen(stepper.log_probs(tokens), finished)
            best = log_probs.argmax(-1)
            tokens = torch.cat([tokens, best[:, None]], 1)
            finished = finished | (best == self.eos)
            if finished.all():
                break
        return tokens


class BeamSearchSequenceGenerator(GreedySequenceGenerator):
    """``beam_size`` hypotheses per source; the best by score over length penalty
    ``((5 + length) / 6) ** len_pen`` (GNMT's; ``len_pen=0`` ranks by the score alone)."""

    def __init__(
        self, *args: object, beam_size: int = 4, len_pen: float = 0.0, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if beam_size < 1:
            raise ValueError(f"beam_size must be at least 1, got {beam_size}")
        self.beam_size = beam_size
        self.len_pen = len_pen

    @torch.no_grad()
    def __call__(  # type: ignore[override]
        self,
        encoder_hidden_states: torch.Tensor,
        encoder_input_mask: torch.Tensor,
        return_beam_scores: bool = False,
    ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The best hypothesis per source ``[B, L]``; with ``return_beam_scores`` also every
        hypothesis ``[B, beam, L]`` and their penalised scores ``[B, beam]``."""
        batch, beam = encoder_hidden_states.shape[0], self.beam_size
        memory = encoder_hidden_states.repeat_interleave(beam, 0)
        memory_mask = encoder_input_mask.repeat_interleave(beam, 0)
        stepper = self._stepper(memory, memory_mask)
        device = memory.device
        tokens = torch.full((batch * beam, 1), self.bos, device=device)
        scores = torch.zeros(batch, beam, device=device)
        scores[:, 1:] = float("-inf")  # the first step expands one hypothesis, not beam copies
        finished = torch.zeros(batch * beam, dtype=torch.bool, device=device)
        offsets = (torch.arange(batch, device=device) * beam)[:, None]
        for _ in range(self._max_steps(encoder_input_mask)):
            log_probs = self._frozen(stepper.log_probs(tokens), finished)
            vocab = log_probs.shape[-1]
            candidates = (scores.reshape(-1, 1) + log_probs).reshape(batch, beam * vocab)
            scores, index = candidates.topk(beam, dim=-1)
            rows = (offsets + torch.div(index, vocab, rounding_mode="floor")).reshape(-1)
            chosen = (index % vocab).reshape(-1, 1)
            tokens = torch.cat([tokens.index_select(0, rows), chosen], 1)
            finished = finished.index_select(0, rows) | (chosen[:, 0] == self.eos)
            stepper.select(rows)
            if finished.all():
                break
        lengths = (tokens[:, 1:] != self.pad).sum(1).reshape(batch, beam).float()
        penalised = scores / ((5.0 + lengths) / 6.0) ** self.len_pen
        best = penalised.argmax(-1)
        hypotheses = tokens.reshape(batch, beam, -1)
        chosen_best = hypotheses[torch.arange(batch, device=device), best]
        if return_beam_scores:
            return chosen_best, hypotheses, penalised
        return chosen_best
