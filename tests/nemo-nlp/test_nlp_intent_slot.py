"""IntentSlotClassificationModel on the bundled smart-home corpus: training, archives, bad data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf

from nemo.collections.nlp.metrics import ClassificationReport, slot_values
from nemo.collections.nlp.models import IntentSlotClassificationModel
from nemo.core.tokenizers import train_tokenizer

CORPUS = Path(__file__).resolve().parents[2] / "data" / "smart_home_nlu"
ENCODER = {
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 128,
    "max_position_embeddings": 64,
}


def _sentences(split: str) -> tuple[list[str], list[int]]:
    rows = [line.rsplit("\t", 1) for line in (CORPUS / f"{split}.tsv").read_text().splitlines()[1:]]
    return [text for text, _ in rows], [int(label) for _, label in rows]


@pytest.fixture(scope="module")
def vocab_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("tokenizer")
    return train_tokenizer("wordpiece", _sentences("train")[0], out, 300)["vocab_file"]


def _config(data_dir: Path | str, vocab_file: str, **overrides: object) -> OmegaConf:
    config = {
        "data_dir": str(data_dir),
        "train_ds": {"prefix": "train", "batch_size": 64, "shuffle": True, "num_samples": 3000},
        "validation_ds": {"prefix": "dev", "batch_size": 128, "shuffle": False},
        "tokenizer": {"tokenizer_name": "wordpiece", "vocab_file": vocab_file},
        "language_model": {"max_seq_length": 48, "pretrained_model_name": None, "config": ENCODER},
        "head": {"num_output_layers": 2, "fc_dropout": 0.0},
        "optim": {"name": "adamw", "lr": 3e-3},
    }
    config.update(overrides)
    return OmegaConf.create(config)


@pytest.fixture(scope="module")
def trained(
    vocab_file: str, tmp_path_factory: pytest.TempPathFactory
) -> IntentSlotClassificationModel:
    import pytorch_lightning as pl

    torch.manual_seed(0)
    trainer = pl.Trainer(
        max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
        enable_progress_bar=False, enable_model_summary=False,
        default_root_dir=tmp_path_factory.mktemp("run"),
    )  # fmt: skip
    model = IntentSlotClassificationModel(_config(CORPUS, vocab_file), trainer=trainer)
    trainer.fit(model)
    return model.eval()


def test_a_tiny_model_learns_the_held_out_phrasings(trained):
    queries, gold = _sentences("test")
    intents, slots = trained.predict_from_examples(queries[:300], batch_size=128)
    accuracy = sum(trained.intent_labels[g] == p for g, p in zip(gold, intents, strict=False)) / 300
    assert accuracy > 0.85  # three epochs over 3000 sentences, on phrasings train never had
    assert all(len(s.split()) == len(q.split()) for s, q in zip(slots, queries, strict=False))
    metrics = trained.trainer.callback_metrics
    assert {"val_loss", "intent_f1", "slot_f1", "train_loss", "lr"} <= set(metrics)
    assert float(metrics["intent_f1"]) > 80


def test_parse_gives_intents_and_slot_values(trained):
    (parsed,) = trained.parse(["please turn on the red lamp in the living room"])
    assert parsed == {
        "intent": "device_on",
        "slots": {"color": "red", "item": "lamp", "room": "living room"},
    }


def test_the_archive_holds_what_the_model_needs(trained, tmp_path, vocab_file):
    archive = tmp_path / "intent_slot.nemo"
    trained.save_to(archive)
    data_copy = tmp_path / "gone"  # neither the data nor the tokenizer files are needed later
    shutil.copytree(CORPUS, data_copy)
    restored = IntentSlotClassificationModel.restore_from(archive)
    assert restored.intent_labels == trained.intent_labels
    queries = _sentences("test")[0][:40]
    assert restored.predict_from_examples(queries) == trained.predict_from_examples(queries)
    assert restored.cfg.language_model.config.hidden_size == 64
    assert Path(restored.cfg.tokenizer.vocab_file).name.endswith("vocab.txt")


def test_spans_join_iob_runs():
    words = ["put", "the", "big", "box", "under", "the", "living", "room", "window"]
    labels = ["O", "O", "O", "B-item", "B-relation", "O", "B-room", "I-room", "B-destination"]
    assert slot_values(words, labels) == {
        "item": "box", "relation": "under", "room": "living room", "destination": "window",
    }  # fmt: skip
    assert slot_values(["red", "blue"], ["B-color", "B-color"]) == {"color": "red"}
    assert slot_values(["x"], ["I-item"]) == {"item": "x"}  # a stray I- starts a span


def test_classification_report_counts():
    report = ClassificationReport(3, {"a": 0, "b": 1, "c": 2}, mode="macro")
    report.update(torch.tensor([0, 0, 1, 2, 2]), torch.tensor([0, 1, 1, 2, 0]))
    precision, recall, f1, text = report.compute()
    # a: P 1/2 R 1/2; b: P 1 R 1/2; c: P 1/2 R 1
    assert precision.item() == pytest.approx(100 * (0.5 + 1 + 0.5) / 3)
    assert recall.item() == pytest.approx(100 * (0.5 + 0.5 + 1) / 3)
    assert f1.item() == pytest.approx(100 * (0.5 + 2 / 3 + 2 / 3) / 3)
    assert "micro avg" in text and text.splitlines()[1].startswith("a ")


# -- bad input -----------------------------------------------------------------------------------


def _broken_copy(tmp_path: Path, split: str, edit) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(CORPUS, copy)
    path = copy / split
    path.write_text(edit(path.read_text()))
    return copy


@pytest.mark.parametrize(
    ("split", "edit", "match"),
    [
        (
            "train.tsv",
            lambda t: t.replace("\t", " ", 3),
            r"train.tsv', line 2: expected 'sentence<TAB>intent id'",
        ),
        (
            "train.tsv",
            lambda t: t.replace("\t0\n", "\t17\n", 1),
            r"intent 17 is not in dict.intents.csv",
        ),
        (
            "train_slots.tsv",
            lambda t: t.replace("\n", " 0\n", 1),
            r"train_slots.tsv', line 1 .*slot ids for",
        ),
        ("train_slots.tsv", lambda t: t.split("\n", 1)[1], r"lines but train.tsv has"),
        ("dict.slots.csv", lambda t: t.replace("O\n", ""), r"no 'O' label"),
    ],
)
def test_bad_data_files_name_the_file_and_line(tmp_path, vocab_file, split, edit, match):
    data = _broken_copy(tmp_path, split, edit)
    with pytest.raises(ValueError, match=match):
        IntentSlotClassificationModel(_config(data, vocab_file))


def test_missing_files_and_directories(tmp_path, vocab_file):
    with pytest.raises(NotADirectoryError, match="is not a directory"):
        IntentSlotClassificationModel(_config(tmp_path / "nope", vocab_file))
    with pytest.raises(FileNotFoundError, match="vocab.txt"):
        IntentSlotClassificationModel(_config(CORPUS, str(tmp_path / "vocab.txt")))
    config = _config(CORPUS, vocab_file)
    config.train_ds.prefix = "training"
    with pytest.raises(FileNotFoundError, match="prefix 'training' needs training.tsv"):
        IntentSlotClassificationModel(config)


def test_a_tokenizer_that_does_not_match_the_encoder(tmp_path, vocab_file):
    config = _config(CORPUS, vocab_file)
    config.language_model.config.vocab_size = 1000
    with pytest.raises(
        ValueError, match=r"tokenizer has \d+ tokens but the encoder's embeddings have 1000"
    ):
        IntentSlotClassificationModel(config)


def test_word_dropout_leaves_out_words_with_their_labels(vocab_file):
    import random

    from nemo.collections.nlp.data.intent_slot_classification import (
        intent_slot_classification_dataset as data,
    )
    from nemo.core.tokenizers import get_tokenizer

    tokenizer = get_tokenizer("wordpiece", vocab_file=vocab_file)
    encoder = data.WordEncoder(tokenizer, 48)
    words = ["turn", "on", "the", "red", "lamp"]
    slots = [0, 0, 0, 3, 1]
    plain = data.IntentSlotClassificationDataset([words], [0], [slots], encoder, pad_label=0)
    dropping = data.IntentSlotClassificationDataset(
        [words], [0], [slots], encoder, pad_label=0, word_dropout=0.5
    )
    random.seed(0)
    lengths = set()
    for _ in range(20):
        ids, _, subtokens, intent, labels = dropping[0]
        firsts = [i for i, first in enumerate(subtokens) if first]
        kept = tokenizer.ids_to_tokens([ids[i] for i in firsts])
        assert set(kept) <= set(words) and intent == 0
        for word, i in zip(kept, firsts, strict=True):
            assert labels[i] == slots[words.index(word)]  # each kept word keeps its own label
        lengths.add(len(kept))
    assert len(lengths) > 2 and len(plain[0][0]) == 7  # [CLS] + 5 words + [SEP], all kept
    with pytest.raises(ValueError, match=r"word_dropout must be in \[0, 1\)"):
        data.IntentSlotClassificationDataset([words], [0], [slots], encoder, 0, word_dropout=1.0)
