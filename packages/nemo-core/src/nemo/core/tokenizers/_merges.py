"""Learning subword merges, deterministically: the trainer behind WordPiece and byte-level BPE.

The ``tokenizers`` library's trainers break ties between equally frequent pairs in hash order,
so two runs on the same text can give different vocabularies. Here the most frequent pair wins
and ties go to the pair that sorts first: the same text always gives the same files.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from itertools import pairwise

__all__ = ["learn_merges", "merged_vocabulary"]

_Pair = tuple[str, str]


def learn_merges(
    words: Mapping[tuple[str, ...], int],
    max_merges: int,
    *,
    join: Callable[[str, str], str],
    min_frequency: int = 2,
) -> list[_Pair]:
    """Up to ``max_merges`` pairs, most frequent first, over ``words`` (symbols → count).

    ``join`` spells a merged pair (WordPiece drops the second symbol's ``##``). Merging stops
    early when no pair occurs ``min_frequency`` times.
    """
    symbols = [list(word) for word in words]
    counts = list(words.values())
    pair_counts: Counter[_Pair] = Counter()
    holders: defaultdict[_Pair, set[int]] = defaultdict(set)
    for index, word in enumerate(symbols):
        for pair in pairwise(word):
            pair_counts[pair] += counts[index]
            holders[pair].add(index)
    heap = [(-n, pair) for pair, n in pair_counts.items()]
    heapq.heapify(heap)
    merges: list[_Pair] = []
    while heap and len(merges) < max_merges:
        negative, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -negative:
            continue  # a stale entry: the pair's count changed since it was pushed
        if -negative < min_frequency:
            break
        merges.append(pair)
        merged = join(*pair)
        changed: set[_Pair] = set()
        for index in sorted(holders.pop(pair, ())):
            word, n = symbols[index], counts[index]
            for old in pairwise(word):
                pair_counts[old] -= n
                changed.add(old)
            symbols[index] = word = _merge_word(word, pair, merged)
            for new in pairwise(word):
                pair_counts[new] += n
                holders[new].add(index)
                changed.add(new)
        pair_counts.pop(pair, None)
        for touched in changed:
            n = pair_counts.get(touched, 0)
            if n > 0:
                heapq.heappush(heap, (-n, touched))
            else:
                pair_counts.pop(touched, None)
    return merges


def _merge_word(word: list[str], pair: _Pair, merged: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == pair[0] and word[i + 1] == pair[1]:
            out.append(merged)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


def merged_vocabulary(
    words: Mapping[tuple[str, ...], int],
    specials: list[str],
    alphabet: list[str],
    vocab_size: int,
    *,
    join: Callable[[str, str], str],
    min_frequency: int,
    alphabet_name: str,
) -> tuple[list[str], list[_Pair]]:
    """Special tokens, then the alphabet, then merged symbols in merge order, up to
    ``vocab_size``; and the merges. ``alphabet_name`` says what the alphabet is, for the error
    a too-small ``vocab_size`` gets."""
    room = vocab_size - len(specials) - len(alphabet)
    if room < 0:
        raise ValueError(
            f"vocab_size {vocab_size} is smaller than the {len(specials)} special tokens and "
            f"{alphabet_name}: use at least {len(specials) + len(alphabet)}"
        )
    merges = learn_merges(words, room, join=join, min_frequency=min_frequency)
    tokens = [*specials, *alphabet]
    seen = set(tokens)
    for pair in merges:
        token = join(*pair)
        if token not in seen:
            seen.add(token)
            tokens.append(token)
    return tokens, merges
