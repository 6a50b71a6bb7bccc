"""Train, measure and (with ``--ship``) package the shipped language-understanding models.

One run, on the bundled corpus (``data/smart_home_nlu``), 2 CPU cores:

1. pretrain a small BERT with the masked-LM loss on the training text (``BERTLMModel``);
2. fine-tune ``IntentSlotClassificationModel`` from that encoder, and, for comparison with
   the same budget, from a freshly initialised one;
3. fit a bag-of-words logistic-regression baseline (intents) and a windowed per-word
   logistic regression (slots);
4. score all on ``test`` (phrasings train never saw) and ``test_noisy`` (recognition errors):
   intent accuracy and entity-level slot F1; print a table and write ``--out/results.json``.

``--ship`` copies both ``.nemo`` files into nemo-nlp's package data and prints the sha256
and size to register in ``nemo/collections/nlp/models/pretrained.py``::

    python tools/train_nlu_models.py --out /tmp/nlu [--ship]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from omegaconf import OmegaConf

from nemo.collections.nlp.metrics import span_f1
from nemo.collections.nlp.models import BERTLMModel, IntentSlotClassificationModel

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "smart_home_nlu"
VOCAB = DATA / "wordpiece" / "vocab.txt"
PACKAGE = ROOT / "packages" / "nemo-nlp" / "src" / "nemo" / "collections" / "nlp" / "pretrained"
ENCODER = {
    "hidden_size": 64,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "intermediate_size": 192,
    "max_position_embeddings": 64,
}


def _trainer(epochs: int, max_steps: int = -1) -> pl.Trainer:
    """A Trainer for ``epochs`` or, with ``max_steps``, that many steps without validation
    (a few-label run's epoch is one batch)."""
    return pl.Trainer(
        max_epochs=epochs, max_steps=max_steps, accelerator="cpu", devices=1, logger=False,
        limit_val_batches=1.0 if max_steps < 0 else 0,
        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
    )  # fmt: skip


def pretrain(out: Path, epochs: int) -> tuple[Path, float]:
    start = time.perf_counter()
    config = OmegaConf.create({
        "only_mlm_loss": True, "max_seq_length": 48, "mask_prob": 0.15,
        "tokenizer": {"tokenizer_name": "wordpiece", "vocab_file": str(VOCAB)},
        "language_model": {"pretrained_model_name": None, "config": ENCODER},
        "train_ds": {"data_file": str(DATA / "text_train.txt"), "batch_size": 64},
        "optim": {"name": "adamw", "lr": 1e-3, "weight_decay": 0.01,
                  "sched": {"name": "CosineAnnealing", "warmup_ratio": 0.05, "min_lr": 1e-5}},
    })  # fmt: skip
    trainer = _trainer(epochs)
    model = BERTLMModel(config, trainer=trainer)
    trainer.fit(model)
    model.save_to(out / "nlu_en_smart_home_bert.nemo")
    return model.save_encoder(out / "encoder"), time.perf_counter() - start


def fine_tune(
    out: Path, name: str, encoder: Path | None, epochs: int, labelled: int = -1, steps: int = -1
) -> tuple[Any, float]:
    """Fine-tune on the first ``labelled`` training sentences (all: -1) for ``epochs`` or, when
    given, exactly ``steps`` optimizer steps."""
    start = time.perf_counter()
    language_model: dict[str, Any] = {"max_seq_length": 48, "pretrained_model_name": None}
    if encoder is None:
        language_model["config"] = ENCODER
    else:
        language_model["pretrained_model_name"] = str(encoder)
    config = OmegaConf.create({
        "data_dir": str(DATA),
        "train_ds": {"prefix": "train", "batch_size": 64, "shuffle": True, "word_dropout": 0.1,
                     "num_samples": labelled},
        "validation_ds": {"prefix": "dev", "batch_size": 256},
        "tokenizer": {"tokenizer_name": "wordpiece", "vocab_file": str(VOCAB)},
        "language_model": language_model,
        "head": {"num_output_layers": 2, "fc_dropout": 0.1},
        "optim": {"name": "adamw", "lr": 2e-3, "weight_decay": 0.01,
                  "sched": {"name": "CosineAnnealing", "warmup_ratio": 0.1, "min_lr": 1e-5}},
    })  # fmt: skip
    trainer = _trainer(epochs if steps < 0 else -1, steps)  # -1: steps alone decide
    model = IntentSlotClassificationModel(config, trainer=trainer)
    trainer.fit(model)
    model.save_to(out / f"{name}.nemo")
    return model.eval(), time.perf_counter() - start


def read_split(split: str) -> tuple[list[list[str]], list[str], list[list[str]]]:
    intents = (DATA / "dict.intents.csv").read_text().split()
    slots = (DATA / "dict.slots.csv").read_text().split()
    rows = [line.rsplit("\t", 1) for line in (DATA / f"{split}.tsv").read_text().splitlines()[1:]]
    labels = (DATA / f"{split}_slots.tsv").read_text().splitlines()
    return (
        [text.split() for text, _ in rows],
        [intents[int(i)] for _, i in rows],
        [[slots[int(i)] for i in line.split()] for line in labels],
    )


def score(predict: Any, split: str) -> dict[str, float]:
    words, intents, slots = read_split(split)
    predicted_intents, predicted_slots = predict(words)
    accuracy = 100.0 * sum(p == g for p, g in zip(predicted_intents, intents, strict=True))
    return {
        "intent_accuracy": accuracy / len(intents),
        "slot_f1": span_f1(slots, predicted_slots)[2],
    }


def model_predictor(model: Any) -> Any:
    def predict(words: list[list[str]]) -> tuple[list[str], list[list[str]]]:
        intents, slots = model.predict_from_examples([" ".join(w) for w in words], batch_size=256)
        return intents, [s.split() for s in slots]

    return predict


class LogisticBaseline:
    """Bag-of-words logistic regression for intents; per-word logistic regression over the
    word and its neighbours (a ±1 window) for slots. Full-batch, L2-regularised."""

    def __init__(self) -> None:
        words, intents, slots = read_split("train")
        self.vocab = {w: i + 1 for i, w in enumerate(sorted({w for s in words for w in s}))}
        self.intents = sorted(set(intents))
        self.labels = sorted({label for row in slots for label in row})
        x = self._bags(words)
        self.intent_model = self._fit(
            x, [self.intents.index(i) for i in intents], len(self.intents)
        )
        windows = self._windows(words)
        flat = [self.labels.index(label) for row in slots for label in row]
        self.slot_model = self._fit(windows, flat, len(self.labels))

    def _bags(self, words: list[list[str]]) -> torch.Tensor:
        x = torch.zeros(len(words), len(self.vocab) + 1)
        for i, sentence in enumerate(words):
            for w in sentence:
                x[i, self.vocab.get(w, 0)] += 1
        return x

    def _windows(self, words: list[list[str]]) -> torch.Tensor:
        size = len(self.vocab) + 1
        rows = []
        for sentence in words:
            ids = [0, *(self.vocab.get(w, 0) for w in sentence), 0]
            for i in range(1, len(ids) - 1):
                row = torch.zeros(3 * size)
                for k, j in enumerate((ids[i - 1], ids[i], ids[i + 1])):
                    row[k * size + j] = 1
                rows.append(row)
        return torch.stack(rows)

    @staticmethod
    def _fit(x: torch.Tensor, y: list[int], classes: int) -> torch.nn.Linear:
        torch.manual_seed(0)
        model = torch.nn.Linear(x.shape[1], classes)
        optimizer = torch.optim.LBFGS(
            model.parameters(), max_iter=200, line_search_fn="strong_wolfe"
        )
        target = torch.tensor(y)

        def closure() -> torch.Tensor:
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), target)
            loss = loss + 1e-4 * model.weight.pow(2).sum()
            loss.backward()
            return loss

        optimizer.step(closure)
        return model

    def predict(self, words: list[list[str]]) -> tuple[list[str], list[list[str]]]:
        with torch.no_grad():
            intents = self.intent_model(self._bags(words)).argmax(-1).tolist()
            flat = self.slot_model(self._windows(words)).argmax(-1).tolist()
        slots, at = [], 0
        for sentence in words:
            slots.append([self.labels[i] for i in flat[at : at + len(sentence)]])
            at += len(sentence)
        return [self.intents[i] for i in intents], slots


def few_labels(args: argparse.Namespace, encoder: Path) -> dict[str, Any]:
    """Where pretraining pays: few labelled sentences (the first N of train), the encoder
    pretrained on all of the (unlabelled) training text vs from scratch, the same steps."""
    table: dict[str, Any] = {}
    (args.out / "few").mkdir(exist_ok=True)
    print(f"\n{'labelled':<10}{'encoder':<12}{'split':<12}{'intent acc':>11}{'slot F1':>9}")
    for count in (int(n) for n in args.few.split(",")):
        for kind, start in (("pretrained", encoder), ("scratch", None)):
            pl.seed_everything(args.seed)
            model, _ = fine_tune(
                args.out / "few", f"{kind}_{count}", start, 0, labelled=count, steps=args.few_steps
            )
            for split in ("test", "test_noisy"):
                scores = score(model_predictor(model), split)
                table.setdefault(str(count), {}).setdefault(kind, {})[split] = {
                    k: round(v, 2) for k, v in scores.items()
                }
                print(
                    f"{count:<10}{kind:<12}{split:<12}{scores['intent_accuracy']:>10.2f}%"
                    f"{scores['slot_f1']:>8.2f}%"
                )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pretrain-epochs", type=int, default=15)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument(
        "--few", default="50,150,500", help="labelled-set sizes of the few-label comparison"
    )
    parser.add_argument("--few-steps", type=int, default=400, help="fine-tuning steps of each")
    parser.add_argument("--ship", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(2)
    pl.seed_everything(args.seed)
    encoder, pretrain_s = pretrain(args.out, args.pretrain_epochs)
    pl.seed_everything(args.seed)
    tuned, tune_s = fine_tune(args.out, "nlu_en_smart_home_intent_slot", encoder, args.epochs)
    pl.seed_everything(args.seed)
    scratch, scratch_s = fine_tune(args.out, "scratch", None, args.epochs)
    start = time.perf_counter()
    baseline = LogisticBaseline()
    baseline_s = time.perf_counter() - start
    systems = {
        "pretrained + fine-tuned": (model_predictor(tuned), pretrain_s + tune_s),
        "from scratch, same budget": (model_predictor(scratch), scratch_s),
        "logistic regression": (baseline.predict, baseline_s),
    }
    results: dict[str, Any] = {}
    print(f"{'system':<28}{'split':<12}{'intent acc':>11}{'slot F1':>9}{'train s':>9}")
    for name, (predict, seconds) in systems.items():
        results[name] = {"train_seconds": round(seconds, 1)}
        for split in ("test", "test_noisy"):
            scores = score(predict, split)
            results[name][split] = {k: round(v, 2) for k, v in scores.items()}
            print(
                f"{name:<28}{split:<12}{scores['intent_accuracy']:>10.2f}%"
                f"{scores['slot_f1']:>8.2f}%{seconds:>9.1f}"
            )
    files = {}
    for stem in ("nlu_en_smart_home_bert", "nlu_en_smart_home_intent_slot"):
        path = args.out / f"{stem}.nemo"
        files[stem] = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                       "size": path.stat().st_size}  # fmt: skip
        if args.ship:
            PACKAGE.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, PACKAGE / path.name)
    results["few labels"] = few_labels(args, encoder)
    results["files"] = files
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(files, indent=1))


if __name__ == "__main__":
    main()
