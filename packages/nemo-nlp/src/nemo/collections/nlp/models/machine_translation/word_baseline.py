"""A word-by-word dictionary translator: the floor a translation model must clear.

Each source word is replaced by its most probable target word under IBM Model 1 word
alignment, learned by EM on the training pairs, in the source's order; words never seen are
copied, source words that mostly align to nothing (NULL) are dropped.
No reordering, no agreement, no separable verbs: what a translation model adds over it is
what the model learned beyond a dictionary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

__all__ = ["WordByWordTranslator"]


class WordByWordTranslator:
    def __init__(self, dictionary: dict[str, str]) -> None:
        self.dictionary = dictionary

    @classmethod
    def fit(cls, pairs: Iterable[tuple[str, str]], iterations: int = 5) -> WordByWordTranslator:
        """Learn the dictionary from (source, target) sentence pairs."""
        corpus = [(["<null>", *s.split()], t.split()) for s, t in pairs]
        prob: dict[tuple[str, str], float] = defaultdict(lambda: 1.0)  # t(target | source)
        for _ in range(iterations):
            counts: defaultdict[tuple[str, str], float] = defaultdict(float)
            totals: defaultdict[str, float] = defaultdict(float)
            for source, target in corpus:
                for t in target:
                    norm = sum(prob[e, t] for e in source)
                    for e in source:
                        share = prob[e, t] / norm
                        counts[e, t] += share
                        totals[e] += share
            prob = defaultdict(float, {(e, t): c / totals[e] for (e, t), c in counts.items()})
        best: dict[str, tuple[float, str]] = {}
        for (e, t), p in prob.items():
            if p > best.get(e, (-1.0, ""))[0]:
                best[e] = (p, t)
        null_targets = {t for (e, t), p in prob.items() if e == "<null>" and p > 0}
        dictionary = {e: t for e, (_, t) in best.items() if e != "<null>"}
        # a source word whose best target is mostly explained by NULL carries no word
        dropped = {
            e for e, t in dictionary.items() if t in null_targets and prob["<null>", t] > prob[e, t]
        }
        return cls({e: ("" if e in dropped else t) for e, t in dictionary.items()})

    def translate(self, text: Sequence[str]) -> list[str]:
        words = ((self.dictionary.get(w, w) for w in line.split()) for line in text)
        return [" ".join(w for w in line if w) for line in words]
