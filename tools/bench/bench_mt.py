"""Machine translation: training throughput against ``torch.nn.Transformer``, and beam search
with cached decoder states against re-running the decoder over the whole prefix."""

from __future__ import annotations

import math
import statistics
import sys
import time
from typing import Any

from _harness import ROOT, Context, Result, not_available

__all__ = ["bench_mt_beam_cache", "bench_mt_training"]

_CORPUS = ROOT / "data" / "nmt_en_de_commands"
_CONFIG = ROOT / "examples" / "nlp" / "machine_translation" / "conf" / "nmt_en_de_commands.yaml"


def _model_config(scratch: str) -> Any:
    from omegaconf import OmegaConf

    from nemo.collections.nlp.models.machine_translation.mt_enc_dec_config import AAYNBaseConfig

    cfg = OmegaConf.merge(OmegaConf.structured(AAYNBaseConfig()), OmegaConf.load(_CONFIG).model)
    cfg.preproc_out_dir = f"{scratch}/mt_tokenizer"
    cfg.validation_ds = None
    cfg.test_ds = None
    for side in ("src_file_name", "tgt_file_name"):
        cfg.train_ds[side] = str(ROOT / cfg.train_ds[side])
    return cfg


class _Reference:
    """The same transformer written directly over ``torch.nn.Transformer``."""

    def __init__(self, vocab: int, cfg: Any, pad: int) -> None:
        import torch
        from torch import nn

        enc, dec = cfg.encoder, cfg.decoder
        d = int(enc.hidden_size)
        self.embedding = nn.Embedding(vocab, d, padding_idx=pad)
        position = torch.arange(512)[:, None]
        scale = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
        table = torch.zeros(512, d)
        table[:, 0::2], table[:, 1::2] = torch.sin(position * scale), torch.cos(position * scale)
        self.positions = table / math.sqrt(d)
        self.src_norm, self.tgt_norm = nn.LayerNorm(d), nn.LayerNorm(d)
        self.transformer = nn.Transformer(
            d_model=d, nhead=int(enc.num_attention_heads),
            num_encoder_layers=int(enc.num_layers), num_decoder_layers=int(dec.num_layers),
            dim_feedforward=int(enc.inner_size), dropout=float(enc.ffn_dropout), batch_first=True,
        )  # fmt: skip
        self.output = nn.Linear(d, vocab)
        self.output.weight = self.embedding.weight
        self.modules = nn.ModuleList(
            [self.embedding, self.src_norm, self.tgt_norm, self.transformer, self.output]
        )
        self.optimizer = torch.optim.Adam(self.modules.parameters(), lr=1e-3, betas=(0.9, 0.98))
        self.pad = pad

    def step(self, batch: dict[str, Any]) -> None:
        import torch
        from torch.nn import functional as F

        src, tgt = batch["src_ids"], batch["tgt_ids"]
        src_x = self.src_norm(self.embedding(src) + self.positions[: src.shape[1]])
        tgt_x = self.tgt_norm(self.embedding(tgt) + self.positions[: tgt.shape[1]])
        causal = nn_causal(tgt.shape[1])
        states = self.transformer(
            src_x, tgt_x, tgt_mask=causal, src_key_padding_mask=batch["src_mask"] == 0,
            memory_key_padding_mask=batch["src_mask"] == 0, tgt_is_causal=True,
        )  # fmt: skip
        log_probs = F.log_softmax(self.output(states).float(), -1)
        loss = F.nll_loss(log_probs.transpose(1, 2), batch["labels"], ignore_index=self.pad)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.modules.parameters(), 1.0)
        self.optimizer.step()


def nn_causal(length: int) -> Any:
    import torch

    return torch.nn.Transformer.generate_square_subsequent_mask(length)


def bench_mt_training(context: Context) -> list[Result]:
    """Target tokens/s of ``MTEncDecModel`` trained by Lightning (the shipped recipe's shape)
    against a hand-written loop over ``torch.nn.Transformer`` of the same size, same batches."""
    try:
        import pytorch_lightning as pl
        import torch

        from nemo.collections.nlp.models import MTEncDecModel
    except ImportError as exc:
        return [not_available("mt_training", "MT training tokens/s", "≥ 0.95x", str(exc))]
    torch.manual_seed(0)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    model = MTEncDecModel(_model_config(context.scratch))
    loader = model._train_dl
    steps = 10 if context.quick else 30
    batches = [loader.dataset[i] for i in range(min(steps, len(loader.dataset)))]
    tokens = sum(int((b["labels"] != model.decoder_tokenizer.pad_id).sum()) for b in batches)
    reference = _Reference(model.decoder.vocab_size, model.cfg, int(model.decoder_tokenizer.pad_id))
    model._train_dl = torch.utils.data.DataLoader(batches, batch_size=None, shuffle=False)

    class _Clock(pl.Callback):
        def __init__(self) -> None:
            self.start = 0.0
            self.end = 0.0

        def on_train_batch_start(self, trainer: Any, module: Any, batch: Any, index: int) -> None:
            if index == 2:  # after warm-up steps
                self.start = time.perf_counter()

        def on_train_batch_end(self, trainer: Any, module: Any, *args: Any) -> None:
            self.end = time.perf_counter()

    def ours() -> float:
        clock = _Clock()
        trainer = pl.Trainer(
            max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
            enable_progress_bar=False, enable_model_summary=False, callbacks=[clock],
            gradient_clip_val=1.0, num_sanity_val_steps=0, limit_val_batches=0,
        )  # fmt: skip
        trainer.fit(model)
        return clock.end - clock.start

    def theirs() -> float:
        for batch in batches[:2]:
            reference.step(batch)
        start = time.perf_counter()
        for batch in batches[2:]:
            reference.step(batch)
        return time.perf_counter() - start

    measured, baseline = [], []
    for _ in range(max(3, context.repeat // 2)):
        baseline.append(theirs())
        measured.append(ours())
    timed_tokens = sum(int((b["labels"] != reference.pad).sum()) for b in batches[2:])
    ours_s, theirs_s = statistics.median(measured), statistics.median(baseline)
    ratio = theirs_s / ours_s
    return [
        Result(
            "mt_training",
            "MTEncDecModel training target tokens/s (Lightning Trainer)",
            f"hand-written loop over torch.nn.Transformer, same size and batches "
            f"({timed_tokens / theirs_s:.0f} tokens/s)",
            ratio,
            "x baseline",
            "≥ 0.95x",
            ratio >= 0.95,
            detail=(
                f"{timed_tokens / ours_s:.0f} tokens/s; "
                f"{model.num_weights / 1e6:.2f} M parameters, "
                f"{len(batches) - 2} timed batches of ~{model.cfg.train_ds.tokens_in_batch} tokens "
                f"({tokens} target tokens in all)"
            ),
        )
    ]


def bench_mt_beam_cache(context: Context) -> list[Result]:
    """Beam-4 translation of the bundled test split with cached decoder states against
    re-running the decoder over the whole prefix at every step; outputs must be identical."""
    try:
        from nemo.collections.nlp.models import MTEncDecModel
    except ImportError as exc:
        return [not_available("mt_beam_cache", "beam search, cached", "≥ 3x", str(exc))]
    model = MTEncDecModel.from_pretrained("nmt_en_de_commands").eval()
    lines = (_CORPUS / "test.en").read_text(encoding="utf-8").splitlines()
    lines = lines[: 100 if context.quick else 500]

    def run(use_cache: bool) -> list[str]:
        return model.translate(lines, batch_size=32, beam_size=4, use_cache=use_cache)

    cached_out, rerun_out = run(True), run(False)
    identical = cached_out == rerun_out
    cached_s, rerun_s = [], []
    for _ in range(max(3, context.repeat // 2)):
        start = time.perf_counter()
        run(False)
        rerun_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        run(True)
        cached_s.append(time.perf_counter() - start)
    ratio = statistics.median(rerun_s) / statistics.median(cached_s)
    return [
        Result(
            "mt_beam_cache",
            "beam-4 translation with cached decoder states",
            f"re-running the decoder over the prefix ({statistics.median(rerun_s):.2f} s)",
            ratio,
            "x faster",
            "≥ 3x, identical output",
            ratio >= 3.0 and identical,
            detail=(
                f"{len(lines)} test sentences, batch 32: {statistics.median(cached_s):.2f} s; "
                f"outputs identical: {identical}"
            ),
        )
    ]


if __name__ == "__main__":
    sys.exit("run through tools/bench/run.py")
