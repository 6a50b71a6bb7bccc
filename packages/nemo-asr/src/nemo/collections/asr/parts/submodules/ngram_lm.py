"""A word n-gram language model in the ARPA format KenLM, SRILM and pyctcdecode read.

Trained here with interpolated absolute discounting (each order's discounted counts plus the
left-over mass times the next lower order; the unigrams interpolated with a uniform
distribution that also gives ``<unk>`` its share). Interpolation is exactly what ARPA's backoff
weights express, so the model is written and read back without loss: a stored n-gram carries
its interpolated probability, and an unseen one falls back to ``backoff(history) * p(word |
shorter history)``. Sentences are wrapped in ``<s>`` … ``</s>``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["NGramLM"]

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
_LN10 = math.log(10.0)
_NO_PROBABILITY = -99.0  # ARPA's log10 "never predicted" (the <s> unigram)


class NGramLM:
    """``log_prob(context, word)``: natural-log probability of ``word`` after ``context``."""

    def __init__(
        self,
        order: int,
        probs: dict[tuple[str, ...], float],
        backoffs: dict[tuple[str, ...], float],
    ) -> None:
        if order < 1:
            raise ValueError(f"an n-gram model's order must be 1 or more, got {order}")
        if (UNK,) not in probs:
            raise ValueError(
                f"the model has no {UNK} unigram: words it never saw get no probability"
            )
        self.order = order
        self.probs = probs  # log10, as in the file
        self.backoffs = backoffs  # log10
        self.vocabulary = {gram[0] for gram in probs if len(gram) == 1} - {BOS, EOS, UNK}

    # -- training ------------------------------------------------------------------------------

    @classmethod
    def train(cls, sentences: Iterable[str], order: int = 3, discount: float = 0.7) -> NGramLM:
        """Count ``sentences`` (space-separated words) and estimate the interpolated model."""
        if not 0.0 < discount < 1.0:
            raise ValueError(f"discount must be in (0, 1), got {discount}")
        counts: list[Counter[tuple[str, ...]]] = [Counter() for _ in range(order)]
        for sentence in sentences:
            words = [BOS, *sentence.split(), EOS]
            if len(words) == 2:
                continue
            for n in range(1, order + 1):
                start = 0 if n > 1 else 1  # <s> is never predicted, only a history
                for i in range(start, len(words) - n + 1):
                    counts[n - 1][tuple(words[i : i + n])] += 1
        if not counts[0]:
            raise ValueError("no words to train the language model on: give non-empty sentences")
        probs: dict[tuple[str, ...], float] = {}
        backoffs: dict[tuple[str, ...], float] = {}
        total = sum(counts[0].values())
        types = len(counts[0])
        uniform = 1.0 / (types + 1)  # the seen words and <unk>
        left = discount * types / total
        lower: dict[tuple[str, ...], float] = {}
        for (word,), count in counts[0].items():
            lower[(word,)] = (count - discount) / total + left * uniform
        lower[(UNK,)] = left * uniform
        probs.update({gram: math.log10(p) for gram, p in lower.items()})
        probs[(BOS,)] = _NO_PROBABILITY
        for n in range(2, order + 1):
            history_counts: Counter[tuple[str, ...]] = Counter()
            followers: Counter[tuple[str, ...]] = Counter()
            for gram, count in counts[n - 1].items():
                history_counts[gram[:-1]] += count
                followers[gram[:-1]] += 1
            gamma = {h: discount * followers[h] / history_counts[h] for h in history_counts}
            current: dict[tuple[str, ...], float] = {}
            for gram, count in counts[n - 1].items():
                history = gram[:-1]
                shorter = cls._interpolated(lower, backoffs, gram[1:])
                current[gram] = (count - discount) / history_counts[history] + gamma[
                    history
                ] * shorter
            for history, weight in gamma.items():
                backoffs[history] = math.log10(weight)
            probs.update({gram: math.log10(p) for gram, p in current.items()})
            lower = {**lower, **current}
        return cls(order, probs, backoffs)

    @staticmethod
    def _interpolated(
        known: dict[tuple[str, ...], float],
        backoffs: dict[tuple[str, ...], float],
        gram: tuple[str, ...],
    ) -> float:
        """p(gram) from the lower orders estimated so far (plain probabilities in ``known``)."""
        if gram in known:
            return known[gram]
        if len(gram) == 1:
            return known[(UNK,)]
        weight: float = 10.0 ** backoffs.get(gram[:-1], 0.0)
        return weight * NGramLM._interpolated(known, backoffs, gram[1:])

    # -- scoring -------------------------------------------------------------------------------

    def log10_prob(self, gram: Sequence[str]) -> float:
        """log10 p(last word | the words before it), backing off as ARPA says."""
        gram = tuple(w if w in self.vocabulary or w in (BOS, EOS) else UNK for w in gram)
        gram = gram[-self.order :]
        total = 0.0
        while True:
            if gram in self.probs:
                return total + self.probs[gram]
            if len(gram) == 1:
                return total + self.probs[(UNK,)]
            total += self.backoffs.get(gram[:-1], 0.0)
            gram = gram[1:]

    def log_prob(self, context: Sequence[str], word: str) -> float:
        """Natural-log p(``word`` | ``context``); the context starts after ``<s>``."""
        history = [BOS, *context][-(self.order - 1) :] if self.order > 1 else []
        return self.log10_prob([*history, word]) * _LN10

    def sentence_log_prob(self, words: Sequence[str]) -> float:
        """Natural-log probability of a whole sentence, ``</s>`` included."""
        return sum(self.log_prob(words[:i], w) for i, w in enumerate([*words, EOS]))

    # -- files ---------------------------------------------------------------------------------

    def write_arpa(self, path: str | Path) -> Path:
        path = Path(path)
        by_order: dict[int, list[tuple[str, ...]]] = defaultdict(list)
        for gram in self.probs:
            by_order[len(gram)].append(gram)
        lines = ["", "\\data\\"]
        lines += [f"ngram {n}={len(by_order[n])}" for n in range(1, self.order + 1)]
        for n in range(1, self.order + 1):
            lines += ["", f"\\{n}-grams:"]
            for gram in sorted(by_order[n]):
                entry = f"{self.probs[gram]:.6f}\t{' '.join(gram)}"
                if n < self.order and gram in self.backoffs:
                    entry += f"\t{self.backoffs[gram]:.6f}"
                lines.append(entry)
        lines += ["", "\\end\\", ""]
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    @classmethod
    def read_arpa(cls, path: str | Path) -> NGramLM:
        """Read an ARPA file (as written here or by KenLM's ``lmplz``)."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"language model {str(path)!r} does not exist: give an ARPA file "
                "(tools/build_ngram_lm.py writes one)"
            )
        probs: dict[tuple[str, ...], float] = {}
        backoffs: dict[tuple[str, ...], float] = {}
        order, section = 0, 0
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if not line or line == "\\data\\" or line.startswith("ngram "):
                if line.startswith("ngram "):
                    order = max(order, int(line.split()[1].split("=")[0]))
                continue
            if line == "\\end\\":
                break
            if line.startswith("\\") and line.endswith("-grams:"):
                section = int(line[1:].split("-")[0])
                continue
            fields = line.split()
            if section == 0 or len(fields) not in (section + 1, section + 2):
                raise ValueError(
                    f"{str(path)!r}, line {number}: not an ARPA {section}-gram entry "
                    f"({raw[:60]!r}); give a language model in the ARPA text format"
                )
            gram = tuple(fields[1 : section + 1])
            probs[gram] = float(fields[0])
            if len(fields) == section + 2:
                backoffs[gram] = float(fields[-1])
        if not probs:
            raise ValueError(f"{str(path)!r} holds no n-grams: is it an ARPA file?")
        return cls(order or max(len(g) for g in probs), probs, backoffs)
