"""CTC prefix beam search over characters, with an optional word n-gram language model.

Each beam is a prefix (the text so far) with two CTC probabilities: of the frame paths ending
in a blank and of those ending in its last character, so that repeats fold exactly as CTC
defines them. When a word is completed (a space, or the end), the language model scores it:
a beam's rank is ``log p_ctc + alpha * log p_lm + beta * words`` (NeMo's ``beam_alpha`` and
``beam_beta``). Characters whose frame probability is below ``prune_log_prob`` are not tried.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from nemo.collections.asr.parts.submodules.ngram_lm import NGramLM

__all__ = ["BeamResult", "ctc_prefix_beam_search"]

_NEG_INF = float("-inf")


@dataclass
class BeamResult:
    """The best prefix, its combined score and the CTC log-probability alone."""

    text: str
    score: float
    ctc_log_prob: float


def _add(a: float, b: float) -> float:
    if a == _NEG_INF:
        return b
    if b == _NEG_INF:
        return a
    high, low = (a, b) if a > b else (b, a)
    return high + math.log1p(math.exp(low - high))


class _Search:
    """One utterance's beams: ``prefix -> [log p(paths ending in blank), ... in its last char]``
    and the language-model part of each prefix's score (its completed words)."""

    def __init__(
        self, vocabulary: Sequence[str], lm: NGramLM | None, alpha: float, beta: float, sep: str
    ) -> None:
        self.vocabulary, self.lm, self.alpha, self.beta, self.sep = vocabulary, lm, alpha, beta, sep
        self.beams: dict[str, list[float]] = {"": [0.0, _NEG_INF]}
        self.lm_scores: dict[str, float] = {"": 0.0}
        self.following: dict[str, list[float]] = {}

    def words(self, prefix: str) -> list[str]:
        return [w for w in prefix.split(self.sep) if w] if self.sep else list(prefix)

    def word_score(self, prefix: str) -> float:
        """alpha * log p(last word | the words before) + beta, for a prefix that ends a word."""
        words = self.words(prefix)
        if not words:
            return 0.0
        lm_part = self.alpha * self.lm.log_prob(words[:-1], words[-1]) if self.lm else 0.0
        return lm_part + self.beta

    def extend(self, prefix: str, blank_part: float, char_part: float) -> None:
        entry = self.following.setdefault(prefix, [_NEG_INF, _NEG_INF])
        entry[0] = _add(entry[0], blank_part)
        entry[1] = _add(entry[1], char_part)

    def grow(self, prefix: str, label: str, log_prob: float) -> None:
        grown = prefix + label
        if grown not in self.lm_scores:
            completed = self.word_score(prefix) if label == self.sep else 0.0
            self.lm_scores[grown] = self.lm_scores[prefix] + completed
        self.extend(grown, _NEG_INF, log_prob)

    def step(self, row: list[float], candidates: list[int], beam_size: int) -> None:
        blank_lp = row[len(self.vocabulary)]
        self.following = {}
        for prefix, (p_blank, p_char) in self.beams.items():
            total = _add(p_blank, p_char)
            self.extend(prefix, total + blank_lp, _NEG_INF)
            last = prefix[-1] if prefix else None
            for c in candidates:
                label, lp = self.vocabulary[c], row[c]
                if label == last:
                    self.extend(prefix, _NEG_INF, p_char + lp)  # the repeat folds into one
                    if label != self.sep:
                        self.grow(prefix, label, p_blank + lp)  # a blank between: a new char
                    else:  # a second separator adds no word: the path stays on prefix
                        self.extend(prefix, _NEG_INF, p_blank + lp)
                elif label == self.sep and not prefix:
                    self.extend(prefix, _NEG_INF, total + lp)  # a leading separator
                else:
                    self.grow(prefix, label, total + lp)
        ranked = sorted(
            self.following.items(),
            key=lambda item: _add(*item[1]) + self.lm_scores[item[0]],
            reverse=True,
        )
        self.beams = dict(ranked[:beam_size])

    def best(self) -> BeamResult:
        results = []
        for prefix, parts in self.beams.items():
            ctc = _add(*parts)
            score = ctc + self.lm_scores[prefix]
            if prefix and not prefix.endswith(self.sep):
                score += self.word_score(prefix)
            if self.lm is not None:
                score += self.alpha * self.lm.log_prob(self.words(prefix), "</s>")
            results.append(BeamResult(prefix.strip(self.sep), score, ctc))
        return max(results, key=lambda result: result.score)


def ctc_prefix_beam_search(
    log_probs: torch.Tensor,
    vocabulary: Sequence[str],
    *,
    beam_size: int = 16,
    lm: NGramLM | None = None,
    alpha: float = 0.5,
    beta: float = 1.0,
    separator: str = " ",
    prune_log_prob: float = -10.0,
) -> BeamResult:
    """Decode one utterance's ``(T, len(vocabulary) + 1)`` log-probabilities (blank last)."""
    if beam_size < 1:
        raise ValueError(f"beam_size must be 1 or more, got {beam_size}")
    frames = log_probs.detach().float().cpu()
    blank = len(vocabulary)
    if frames.dim() != 2 or frames.shape[1] != blank + 1:
        raise ValueError(
            f"log_probs must be (T, {blank + 1}) for {blank} labels and the blank, got "
            f"{tuple(frames.shape)}"
        )
    search = _Search(vocabulary, lm, alpha, beta, separator)
    for row in frames.tolist():
        candidates = [c for c, value in enumerate(row[:blank]) if value >= prune_log_prob]
        search.step(row, candidates, beam_size)
    return search.best()
