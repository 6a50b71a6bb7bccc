"""Language understanding: import cost, and the shipped model's speed against transformers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from _harness import ROOT, Context, Result, median_seconds
from bench_startup import _LIGHTNING, _import_added

__all__ = ["bench_import_nlp", "bench_nlp_throughput"]

_CORPUS = ROOT / "data" / "smart_home_nlu"


def bench_import_nlp(context: Context) -> list[Result]:
    added, base = _import_added(
        context, context.python, _LIGHTNING, "import nemo.collections.nlp", context.repeat
    )
    code = "import sys, nemo.collections.nlp.models; print('transformers' in sys.modules)"
    leaked = subprocess.run(
        [context.python, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    return [
        Result(
            "import_nlp",
            "`import nemo.collections.nlp`",
            f"`import pytorch_lightning` ({base:.3f} s)",
            added,
            "s added",
            "≤ 0.3 s, no transformers",
            added <= 0.3 and leaked == "False",
            detail=f"transformers imported: {leaked.lower()}",
        )
    ]


def bench_nlp_throughput(context: Context) -> list[Result]:
    """The shipped intent/slot model's encoder against transformers' ``BertModel`` of the same
    shape and weights, on the same padded batches of test commands (eval, no grad)."""
    import torch

    try:
        import transformers
    except ImportError:
        return [_missing("transformers is not installed (nemo-nlp[test])")]
    from nemo.collections.nlp.data._padding import pad_rows
    from nemo.collections.nlp.models import IntentSlotClassificationModel
    from nemo.collections.nlp.modules.common._checkpoints import save_encoder_checkpoint

    model = IntentSlotClassificationModel.from_pretrained("nlu_en_smart_home_intent_slot").eval()
    directory = Path(context.scratch) / "hf_bert"
    save_encoder_checkpoint(model.bert_model, directory)
    reference = transformers.BertModel.from_pretrained(directory, local_files_only=True).eval()
    lines = (_CORPUS / "test.tsv").read_text().splitlines()[1:]
    queries = [line.rsplit("\t", 1)[0] for line in lines][: 256 if context.quick else 1000]
    batches = []
    tokenizer = model.tokenizer
    for start in range(0, len(queries), 64):
        rows = [
            [tokenizer.cls_id, *tokenizer.text_to_ids(q), tokenizer.sep_id]
            for q in queries[start : start + 64]
        ]
        batches.append(pad_rows(rows, tokenizer.pad_id))

    def ours() -> None:
        with torch.no_grad():
            for ids, mask in batches:
                model.bert_model(input_ids=ids, attention_mask=mask)

    def theirs() -> None:
        with torch.no_grad():
            for ids, mask in batches:
                reference(input_ids=ids, attention_mask=mask)

    ours(), theirs()  # warm-up
    repeat = context.repeat
    baseline, measured = median_seconds(theirs, repeat), median_seconds(ours, repeat)
    parse_s = median_seconds(lambda: model.parse(queries, batch_size=64), repeat)
    return [
        Result(
            "nlp_throughput",
            "shipped intent/slot encoder, commands/s",
            f"transformers BertModel, same weights ({len(queries) / baseline:.0f} commands/s)",
            baseline / measured,
            "x baseline",
            "≥ 1.0x",
            baseline / measured >= 1.0,
            detail=f"`parse()` end to end: {len(queries) / parse_s:.0f} commands/s",
        )
    ]


def _missing(why: str) -> Result:
    from _harness import not_available

    return not_available("nlp_throughput", "shipped intent/slot encoder", "≥ 1.0x", why)


if __name__ == "__main__":
    sys.exit("run through tools/bench/run.py")
