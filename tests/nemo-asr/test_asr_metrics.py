"""Word error rate and greedy CTC decoding, with NeMo's concrete values."""

from __future__ import annotations

import math

import pytest
import torch
from asr_data_helpers import LABELS

from nemo.collections.asr.metrics import WER, word_error_rate
from nemo.collections.asr.parts.submodules.ctc_decoding import (
    CTCDecoding,
    ctc_greedy_decode,
    ctc_greedy_offsets,
)

BLANK = len(LABELS)


def ctc_frames(text: str) -> list[int]:
    """Frame ids that decode to ``text``: every character, with a blank after each."""
    frames = []
    for char in text:
        frames += [LABELS.index(char), BLANK]
    return frames


def ids(text: str) -> list[int]:
    return [LABELS.index(char) for char in text]


# NeMo's test_asr_metrics.py values
NEMO_CASES = [
    ("cat", "cot", 1.0),
    ("GPU", "G P U", 1.0),
    ("G P U", "GPU", 3.0),
    ("ducati motorcycle", "motorcycle", 1.0),
    ("ducati motorcycle", "ducuti motorcycle", 0.5),
    ("a B c", "a b c", 1 / 3),
]


@pytest.mark.parametrize(("hypothesis", "reference", "wer"), NEMO_CASES)
def test_word_error_rate_nemo_values(hypothesis, reference, wer):
    assert word_error_rate([hypothesis], [reference]) == pytest.approx(wer)


@pytest.mark.parametrize(
    ("hypothesis", "reference", "wer"),
    [
        ("cat", "cot", 1.0),
        ("ducati motorcycle", "motorcycle", 1.0),
        ("ducati motorcycle", "ducuti motorcycle", 0.5),
        ("a b c", "a b c", 0.0),
    ],
)
def test_wer_metric_from_ctc_frames_agrees(hypothesis, reference, wer):
    metric = WER(LABELS)
    predictions = torch.tensor([ctc_frames(hypothesis)])
    metric.update(
        predictions=predictions,
        predictions_lengths=None,
        targets=torch.tensor([ids(reference)]),
        targets_lengths=torch.tensor([len(reference)]),
    )
    value, _, words = metric.compute()
    assert float(value) == pytest.approx(wer)
    assert float(words) == len(reference.split())


def test_wer_sums_errors_and_words_over_a_batch():
    metric = WER(LABELS)
    hyps, refs = ["a cat", "the dog ran"], ["a cat sat", "the dog ran"]
    width = max(len(ctc_frames(h)) for h in hyps)
    frames = torch.full((2, width), BLANK)
    targets = torch.zeros((2, max(map(len, refs))), dtype=torch.long)
    for row, (h, r) in enumerate(zip(hyps, refs, strict=True)):
        frames[row, : len(ctc_frames(h))] = torch.tensor(ctc_frames(h))
        targets[row, : len(r)] = torch.tensor(ids(r))
    metric.update(
        predictions=frames,
        predictions_lengths=None,
        targets=targets,
        targets_lengths=torch.tensor([len(r) for r in refs]),
    )
    value, errors, words = metric.compute()
    assert (float(errors), float(words)) == (1.0, 6.0)
    assert float(value) == pytest.approx(1 / 6)
    assert float(value) == pytest.approx(word_error_rate(hyps, refs))


def test_character_error_rate():
    assert word_error_rate(["cat"], ["cot"], use_cer=True) == pytest.approx(1 / 3)
    metric = WER(LABELS, use_cer=True)
    metric.update(
        predictions=torch.tensor([ctc_frames("cat")]),
        predictions_lengths=None,
        targets=torch.tensor([ids("cot")]),
        targets_lengths=torch.tensor([3]),
    )
    assert float(metric.compute()[0]) == pytest.approx(1 / 3)


def test_empty_references():
    assert math.isinf(word_error_rate(["anything"], [""]))  # no reference words at all
    assert word_error_rate(["", "a b"], ["", "a b"]) == 0.0
    assert word_error_rate(["x", "a b"], ["", "a b"]) == pytest.approx(1 / 2)  # an insertion
    assert word_error_rate([""], ["a b"]) == 1.0


def test_case_and_punctuation_count_as_errors():
    # NeMo compares words as they are: normalise before scoring if that is not wanted
    assert word_error_rate(["Cat"], ["cat"]) == 1.0
    assert word_error_rate(["hello, world"], ["hello world"]) == 0.5


def test_word_error_rate_needs_one_hypothesis_per_reference():
    with pytest.raises(ValueError, match="2 hypotheses and 1 references"):
        word_error_rate(["a", "b"], ["a"])


def test_decoding_cat_like_nemo():
    decoding = CTCDecoding(None, LABELS)
    assert decoding.decode_ids_to_tokens([3, 1, 20]) == ["c", "a", "t"]
    assert decoding.decode_tokens_to_str([3, 1, 20]) == "cat"
    [hyp] = decoding.ctc_decoder_predictions_tensor(torch.tensor([[3, 1, 20]]))
    assert (hyp.text, hyp.score, hyp.length, hyp.alignments) == ("cat", -1.0, 0, None)
    [hyp] = decoding.ctc_decoder_predictions_tensor(
        torch.tensor([[3, 1, 20]]), decoder_lengths=torch.tensor([3]), return_hypotheses=True
    )
    assert hyp.alignments == [3, 1, 20]
    assert hyp.length == 3
    # Decision: y_sequence holds the emitted token ids (NeMo 3.0), not None (NeMo 1.0)
    assert hyp.y_sequence == [3, 1, 20]


def test_greedy_decoding_folds_repeats_and_drops_blanks():
    b = BLANK
    frames = [b, 3, 3, b, 1, 1, 1, 20, b, 20, b]
    assert ctc_greedy_decode(frames, b) == [3, 1, 20, 20]
    assert ctc_greedy_decode(frames, b, fold_consecutive=False) == [3, 3, 1, 1, 1, 20, 20]
    assert ctc_greedy_offsets(frames, b) == [(3, 1, 3), (1, 4, 7), (20, 7, 8), (20, 9, 10)]


def test_lengths_truncate_and_logprob_scores():
    logprobs = torch.log_softmax(torch.randn(2, 6, BLANK + 1), dim=-1)
    decoding = CTCDecoding({"strategy": "greedy"}, LABELS)
    hyps = decoding.ctc_decoder_predictions_tensor(logprobs, torch.tensor([6, 2]))
    best = logprobs.max(dim=-1).values
    assert hyps[0].score == pytest.approx(float(best[0].sum()), abs=1e-5)
    assert hyps[1].score == pytest.approx(float(best[1, :2].sum()), abs=1e-5)
    assert len(hyps[1].text) <= 2


def test_word_and_token_timestamps_in_frames_and_seconds():
    b = BLANK
    space = LABELS.index(" ")
    # "hi yo": h at frames 1-2, i at 3, space at 5, y at 7-8, o at 9
    frames = [b, 8, 8, 9, b, space, b, 25, 25, 15, b]
    decoding = CTCDecoding(None, LABELS)
    decoding.time_stride = 0.04
    [hyp] = decoding.ctc_decoder_predictions_tensor(
        torch.tensor([frames]), torch.tensor([len(frames)]), return_hypotheses=True
    )
    assert hyp.text == "hi yo"
    stamps = hyp.timestamp
    assert stamps["timestep"] == [1, 3, 5, 7, 9]
    assert [(c["char"], c["start_offset"], c["end_offset"]) for c in stamps["char"]] == [
        ("h", 1, 3), ("i", 3, 4), (" ", 5, 6), ("y", 7, 9), ("o", 9, 10),
    ]  # fmt: skip
    assert stamps["word"] == [
        {"word": "hi", "start_offset": 1, "end_offset": 4, "start": 0.04, "end": 0.16},
        {"word": "yo", "start_offset": 7, "end_offset": 10, "start": 0.28, "end": 0.4},
    ]


def test_unknown_strategy_decodes_greedily_with_a_warning(caplog):
    decoding = CTCDecoding({"strategy": "wfst", "beam": {"beam_size": 4}}, LABELS)
    assert decoding.strategy == "greedy_batch"
    assert "'wfst' is not implemented" in caplog.text
    [hyp] = decoding.ctc_decoder_predictions_tensor(torch.tensor([ctc_frames("ok")]))
    assert hyp.text == "ok"


def test_decoding_errors():
    with pytest.raises(ValueError, match="non-empty vocabulary"):
        CTCDecoding(None, [])
    with pytest.raises(ValueError, match=r"\(B, T, V\) or frame ids \(B, T\)"):
        CTCDecoding(None, LABELS).ctc_decoder_predictions_tensor(torch.zeros(3))
