"""CTC decoding: greedy (frame argmax, fold repeats, drop blanks, map ids to text) or, for
character models, prefix beam search with an optional word n-gram language model
(``strategy: beam``; ``beam.beam_size``, ``beam.beam_alpha``, ``beam.beam_beta``,
``beam.kenlm_path``: an ARPA file, NeMo's keys).

The blank is the last index (``len(vocabulary)``), as in NeMo's CTC models. Hypotheses can carry
timestamps: for every emitted token and every word, the frames where it starts and ends
(``start_offset``/``end_offset``, end exclusive) and, when the decoding knows how long an output
frame lasts (:attr:`AbstractCTCDecoding.time_stride`, set by the model to its preprocessor's
``window_stride`` times its encoder's subsampling factor), the same in seconds (``start``/``end``).
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

import torch

from nemo.collections.asr.parts.submodules.ctc_beam_search import ctc_prefix_beam_search
from nemo.collections.asr.parts.submodules.ngram_lm import NGramLM
from nemo.collections.asr.parts.utils.rnnt_utils import Hypothesis
from nemo.utils import logging
from nemo.utils.model_utils import plain_dict

__all__ = [
    "AbstractCTCDecoding",
    "CTCBPEDecoding",
    "CTCDecoding",
    "ctc_greedy_decode",
    "ctc_greedy_offsets",
]

_GREEDY_STRATEGIES = ("greedy", "greedy_batch")
_BEAM_DEFAULTS = {"beam_size": 4, "beam_alpha": 1.0, "beam_beta": 0.0}  # NeMo's
_SPIECE_WORD_START = "\u2581"  # sentencepiece's "▁": the token begins a new word


def ctc_greedy_offsets(
    frame_ids: Sequence[int], blank: int, fold_consecutive: bool = True
) -> list[tuple[int, int, int]]:
    """``(token, first frame, end frame)`` of every token a CTC frame sequence emits.

    Consecutive frames of one token form one emission (unless ``fold_consecutive`` is off, then
    each frame emits); blank frames emit nothing and separate repeats of a token.
    """
    emitted = []
    frame = 0
    for token, run in itertools.groupby(int(t) for t in frame_ids):
        count = len(list(run))
        if token != blank:
            if fold_consecutive:
                emitted.append((token, frame, frame + count))
            else:
                emitted.extend((token, f, f + 1) for f in range(frame, frame + count))
        frame += count
    return emitted


def ctc_greedy_decode(
    frame_ids: Sequence[int], blank: int, fold_consecutive: bool = True
) -> list[int]:
    """Token ids of a CTC frame sequence: repeats folded (unless told not to), blanks removed."""
    return [token for token, _, _ in ctc_greedy_offsets(frame_ids, blank, fold_consecutive)]


class AbstractCTCDecoding(ABC):
    """CTC decoding shared by character and subword models.

    ``decoding_cfg`` is the model config's ``decoding`` section (NeMo 3.0 writes one). The
    greedy strategies and, where the subclass has it (characters), ``beam``; a config asking for
    another (``wfst``, ``flashlight``, ...) decodes greedily, with a warning, so that NeMo's
    archives restore. Used keys: ``strategy``, ``beam`` (see the module),
    ``batch_dim_index``, ``word_seperator`` (sic, NeMo's spelling), ``compute_timestamps`` and
    ``preserve_alignments`` (top level or under ``greedy``).
    """

    def __init__(self, decoding_cfg: Mapping[str, Any] | None, blank_id: int) -> None:
        cfg = {} if decoding_cfg is None else plain_dict(decoding_cfg, what="the decoding config")
        strategy = cfg.get("strategy") or "greedy_batch"
        if strategy not in (*_GREEDY_STRATEGIES, *self.beam_strategies):
            logging.warning(
                "CTC decoding strategy %r is not implemented; decoding greedily instead (set "
                "decoding.strategy to greedy_batch to silence this)",
                strategy,
            )
            strategy = "greedy_batch"
        greedy = cfg.get("greedy") or {}
        self.cfg = cfg
        self.strategy = strategy
        self.blank_id = blank_id
        self.batch_dim_index = int(cfg.get("batch_dim_index", 0))
        self.word_separator = str(cfg.get("word_seperator", " "))
        self.compute_timestamps = bool(
            cfg.get("compute_timestamps") or greedy.get("compute_timestamps")
        )
        self.preserve_alignments = bool(
            cfg.get("preserve_alignments") or greedy.get("preserve_alignments")
        )
        self.time_stride: float | None = None
        given = {k: v for k, v in (cfg.get("beam") or {}).items() if v is not None}
        beam = {**_BEAM_DEFAULTS, **given}  # NeMo's configs write null for "the default"
        self.beam_size = int(beam["beam_size"])
        self.beam_alpha = float(beam["beam_alpha"])
        self.beam_beta = float(beam["beam_beta"])
        self.kenlm_path: str | None = beam.get("kenlm_path")

    beam_strategies: tuple[str, ...] = ()  # what the subclass decodes with a beam

    def _beam_decode(self, log_probs: torch.Tensor) -> tuple[list[int], str, float]:
        """Token ids, text and score of the best beam of one utterance's (T, V+1) log-probs."""
        raise NotImplementedError

    @abstractmethod
    def decode_ids_to_tokens(self, tokens: Sequence[int]) -> list[str]:
        """The label (character or subword) of each token id."""

    @abstractmethod
    def decode_tokens_to_str(self, tokens: Sequence[int]) -> str:
        """The text of a sequence of token ids."""

    @abstractmethod
    def _group_words(self, tokens: Sequence[int]) -> list[list[int]]:
        """Positions in ``tokens`` of each word's tokens (separators belong to no word)."""

    @torch.no_grad()
    def ctc_decoder_predictions_tensor(
        self,
        decoder_outputs: torch.Tensor,
        decoder_lengths: torch.Tensor | None = None,
        fold_consecutive: bool = True,
        return_hypotheses: bool = False,
    ) -> list[Hypothesis]:
        """One hypothesis per utterance from log-probs (B, T, V) or frame ids (B, T).

        ``score`` is the sum of the chosen frames' log-probabilities (``-1.0`` from ids);
        ``length`` the frames decoded when lengths are given, else 0. With
        ``return_hypotheses`` (or ``compute_timestamps``/``preserve_alignments`` in the config)
        the raw frame ids are kept in ``alignments`` and timestamps in ``timestamp``.
        """
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
        keep_alignments = return_hypotheses or self.preserve_alignments
        timestamps = return_hypotheses or self.compute_timestamps
        hypotheses = []
        for b in range(frame_ids.shape[0]):
            length = frame_ids.shape[1] if lengths is None else int(lengths[b])
            if from_logprobs and self.strategy in self.beam_strategies:
                tokens, text, score = self._beam_decode(outputs[b, :length])
                hypotheses.append(
                    Hypothesis(score=score, y_sequence=tokens, text=text, length=length)
                )
                continue
            ids = frame_ids[b, :length].tolist()
            emitted = ctc_greedy_offsets(ids, self.blank_id, fold_consecutive)
            tokens = [token for token, _, _ in emitted]
            hypotheses.append(
                Hypothesis(
                    score=float(best[b, :length].sum()) if from_logprobs else -1.0,
                    y_sequence=tokens,
                    text=self.decode_tokens_to_str(tokens),
                    alignments=ids if keep_alignments else None,
                    length=0 if lengths is None else length,
                    timestamp=self._timestamps(emitted, ids) if timestamps else None,
                )
            )
        return hypotheses

    def _timestamps(
        self, emitted: Sequence[tuple[int, int, int]], frame_ids: Sequence[int]
    ) -> dict[str, Any]:
        tokens = [token for token, _, _ in emitted]
        labels = self.decode_ids_to_tokens(tokens)
        token_entries = [
            self._with_seconds({"char": label, "start_offset": start, "end_offset": end})
            for label, (_, start, end) in zip(labels, emitted, strict=True)
        ]
        word_entries = []
        for positions in self._group_words(tokens):
            first, last = emitted[positions[0]], emitted[positions[-1]]
            word = self.decode_tokens_to_str([tokens[p] for p in positions]).strip()
            entry = {"word": word, "start_offset": first[1], "end_offset": last[2]}
            word_entries.append(self._with_seconds(entry))
        return {
            "timestep": [start for _, start, _ in emitted],
            "char": token_entries,
            "word": word_entries,
        }

    def _with_seconds(self, entry: dict[str, Any]) -> dict[str, Any]:
        if self.time_stride is not None:  # rounded: 47 * 0.02 is 0.9400000000000001
            entry["start"] = round(entry["start_offset"] * self.time_stride, 6)
            entry["end"] = round(entry["end_offset"] * self.time_stride, 6)
        return entry


class CTCDecoding(AbstractCTCDecoding):
    """Character CTC decoding: ``vocabulary`` is the model's label list (blank excluded).

    With ``strategy: beam``, a prefix beam search; with ``beam.kenlm_path`` (an ARPA word
    n-gram model, e.g. from ``tools/build_ngram_lm.py``) it scores every completed word. A
    model whose words use characters the vocabulary lacks is refused.
    """

    beam_strategies = ("beam",)

    def __init__(self, decoding_cfg: Mapping[str, Any] | None, vocabulary: Sequence[str]) -> None:
        if not vocabulary:
            raise ValueError("CTCDecoding needs a non-empty vocabulary (the model's labels)")
        super().__init__(decoding_cfg, blank_id=len(vocabulary))
        self.vocabulary = list(vocabulary)
        self._ids = {label: i for i, label in enumerate(self.vocabulary)}
        self.language_model: NGramLM | None = None
        if self.strategy == "beam" and self.kenlm_path:
            self.language_model = NGramLM.read_arpa(self.kenlm_path)
            foreign = sorted(
                {ch for word in self.language_model.vocabulary for ch in word} - set(self._ids)
            )
            if foreign:
                raise ValueError(
                    f"language model {self.kenlm_path!r} does not match the model's vocabulary: "
                    f"its words use {''.join(foreign)!r}, which the model cannot emit; build it "
                    "from text in the model's labels (tools/build_ngram_lm.py), or decode "
                    "without it (decoding.strategy: greedy_batch, e.g. in restore_from's "
                    "override_config_path)"
                )

    def _beam_decode(self, log_probs: torch.Tensor) -> tuple[list[int], str, float]:
        best = ctc_prefix_beam_search(
            log_probs, self.vocabulary, beam_size=self.beam_size, lm=self.language_model,
            alpha=self.beam_alpha, beta=self.beam_beta, separator=self.word_separator,
        )  # fmt: skip
        return [self._ids[ch] for ch in best.text], best.text, best.score

    def decode_ids_to_tokens(self, tokens: Sequence[int]) -> list[str]:
        return [self.vocabulary[int(t)] for t in tokens]

    def decode_tokens_to_str(self, tokens: Sequence[int]) -> str:
        return "".join(self.decode_ids_to_tokens(tokens))

    def _group_words(self, tokens: Sequence[int]) -> list[list[int]]:
        words: list[list[int]] = []
        current: list[int] = []
        for position, label in enumerate(self.decode_ids_to_tokens(tokens)):
            if label == self.word_separator:
                if current:
                    words.append(current)
                current = []
            else:
                current.append(position)
        if current:
            words.append(current)
        return words


class CTCBPEDecoding(AbstractCTCDecoding):
    """Subword CTC decoding with a tokenizer (``ids_to_tokens``, ``ids_to_text``, ``vocab_size``).

    A word starts at every token that begins with sentencepiece's ``▁``.
    """

    def __init__(self, decoding_cfg: Mapping[str, Any] | None, tokenizer: Any) -> None:
        super().__init__(decoding_cfg, blank_id=int(tokenizer.vocab_size))
        self.tokenizer = tokenizer

    def decode_ids_to_tokens(self, tokens: Sequence[int]) -> list[str]:
        return list(self.tokenizer.ids_to_tokens([int(t) for t in tokens]))

    def decode_tokens_to_str(self, tokens: Sequence[int]) -> str:
        return str(self.tokenizer.ids_to_text([int(t) for t in tokens]))

    def _group_words(self, tokens: Sequence[int]) -> list[list[int]]:
        words: list[list[int]] = []
        for position, piece in enumerate(self.decode_ids_to_tokens(tokens)):
            if piece.startswith(_SPIECE_WORD_START) or not words:
                words.append([])
            if piece != _SPIECE_WORD_START:
                words[-1].append(position)
        return [word for word in words if word]
