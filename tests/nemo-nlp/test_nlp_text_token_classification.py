"""TextClassificationModel and TokenClassificationModel on the bundled smart-home corpus (NeMo's
sentence<TAB>label and text/labels files): training, reports, archives, TensorBoard, bad data."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf

from nemo.collections.nlp.metrics import ClassificationReport, SpanF1, confusion_image, span_f1
from nemo.collections.nlp.models import TextClassificationModel, TokenClassificationModel

CORPUS = Path(__file__).resolve().parents[2] / "data" / "smart_home_nlu"
VOCAB = str(CORPUS / "wordpiece" / "vocab.txt")
ENCODER = {
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 128,
    "max_position_embeddings": 64,
}
SHARED = {
    "tokenizer": {"tokenizer_name": "wordpiece", "vocab_file": VOCAB},
    "language_model": {"pretrained_model_name": None, "config": ENCODER},
    "optim": {"name": "adamw", "lr": 3e-3},
}


def _trainer(root: Path, epochs: int = 3, logger: object = False):
    import pytorch_lightning as pl

    return pl.Trainer(
        max_epochs=epochs, accelerator="cpu", logger=logger, enable_checkpointing=False,
        enable_progress_bar=False, enable_model_summary=False, default_root_dir=root,
    )  # fmt: skip


def _lines(name: str) -> list[str]:
    return (CORPUS / name).read_text().splitlines()


# -- text classification -------------------------------------------------------------------------


def _text_config(train: Path | str = CORPUS / "train.tsv", **overrides: object) -> OmegaConf:
    config = {
        **SHARED,
        "dataset": {"num_classes": 10, "max_seq_length": 48},
        "classifier_head": {"num_output_layers": 2, "fc_dropout": 0.0},
        "class_labels": {"class_labels_file": str(CORPUS / "dict.intents.csv")},
        "train_ds": {"file_path": str(train), "batch_size": 64, "num_samples": 3000},
        "validation_ds": {"file_path": str(CORPUS / "dev.tsv"), "batch_size": 128},
    }
    config.update(overrides)
    return OmegaConf.create(config)


@pytest.fixture(scope="module")
def text_model(tmp_path_factory: pytest.TempPathFactory) -> TextClassificationModel:
    from pytorch_lightning.loggers import TensorBoardLogger

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("text")
    trainer = _trainer(root, logger=TensorBoardLogger(str(root), name="tb", version="v"))
    model = TextClassificationModel(_text_config(), trainer=trainer)
    trainer.fit(model)
    return model.eval()


def test_a_tiny_text_classifier_learns_the_intents(text_model):
    rows = [line.rsplit("\t", 1) for line in _lines("test.tsv")[1:301]]
    predicted = text_model.classifytext([text for text, _ in rows], batch_size=64)
    accuracy = sum(p == int(gold) for p, (_, gold) in zip(predicted, rows, strict=True)) / 300
    assert accuracy > 0.85  # 3 epochs over 3000 sentences, on phrasings train never had
    names = text_model.classify(["please switch off the lamp in the kitchen"])
    assert names == ["device_off"]
    metrics = text_model.trainer.callback_metrics
    assert {"train_loss", "lr", "val_loss", "val_precision", "val_recall", "val_f1"} <= set(metrics)
    assert float(metrics["val_f1"]) > 80


def test_the_confusion_matrix_reaches_tensorboard(text_model):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    (events,) = Path(text_model.trainer.logger.log_dir).glob("events.out.tfevents.*")
    accumulator = EventAccumulator(str(events), size_guidance={"images": 0})
    accumulator.Reload()
    images = accumulator.Images("val_confusion_matrix")
    assert len(images) == 3  # one per validation epoch, sanity check left out
    assert images[-1].width == images[-1].height == 10 * 12  # 10 classes, 12 px a cell
    assert "val_f1" in accumulator.Tags()["scalars"]


def test_the_text_archive_carries_the_label_names(text_model, tmp_path):
    archive = tmp_path / "text.nemo"
    text_model.save_to(archive)
    with tarfile.open(archive) as tar:
        names = [Path(n).name for n in tar.getnames()]
    assert any(n.endswith("dict.intents.csv") for n in names)
    assert any(n.endswith("vocab.txt") for n in names)
    restored = TextClassificationModel.restore_from(archive)
    queries = [line.rsplit("\t", 1)[0] for line in _lines("test.tsv")[1:41]]
    assert restored.classifytext(queries, 8) == text_model.classifytext(queries, 8)
    assert restored.class_labels == _lines("dict.intents.csv")


def test_weighted_loss_weighs_classes_by_inverse_frequency(tmp_path):
    train = tmp_path / "train.tsv"
    train.write_text("sentence\tlabel\nturn on the lamp\t0\nturn on the fan\t0\nstop\t1\n")
    config = _text_config(train, class_labels={"class_labels_file": None})
    config.dataset.num_classes = 2
    config.dataset.class_balancing = "weighted_loss"
    config.train_ds.num_samples = -1
    config.validation_ds.file_path = str(train)
    model = TextClassificationModel(config)
    assert model.loss.weight.tolist() == pytest.approx([3 / 4, 3 / 2])
    assert model.class_labels == ["0", "1"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("sentence\tlabel\nturn on the lamp\t0\nstop the music\n", r"line 3: expected 'sentence"),
        ("sentence\tlabel\nturn on the lamp\t12\n", r"line 2: label 12 is not in model.dataset"),
        ("sentence\tlabel\n", r"holds no sentences"),
        ("sentence\tlabel\n \t1\n", r"line 2: the sentence is empty"),
    ],
)
def test_bad_text_files_name_the_file_and_line(tmp_path, text, match):
    train = tmp_path / "train.tsv"
    train.write_text(text)
    with pytest.raises(ValueError, match=match):
        TextClassificationModel(_text_config(train))


def test_text_classification_config_errors(tmp_path):
    config = _text_config()
    config.dataset.num_classes = "???"
    with pytest.raises(ValueError, match="needs model.dataset.num_classes"):
        TextClassificationModel(config)
    labels = tmp_path / "labels.csv"
    labels.write_text("a\nb\n")
    with pytest.raises(ValueError, match=r"names 2 classes but model.dataset.num_classes is 10"):
        TextClassificationModel(_text_config(class_labels={"class_labels_file": str(labels)}))
    with pytest.raises(FileNotFoundError, match=r"nope.tsv' does not exist"):
        TextClassificationModel(_text_config(tmp_path / "nope.tsv"))


def test_a_header_is_optional(tmp_path):
    train = tmp_path / "train.tsv"
    train.write_text("turn on the lamp\t0\nstop\t1\n")
    config = _text_config(train, class_labels={"class_labels_file": None})
    config.validation_ds.file_path = str(train)
    model = TextClassificationModel(config)
    assert len(model._train_dl.dataset) == 2


# -- token classification ------------------------------------------------------------------------


def _token_config(data_dir: Path | str = CORPUS, **overrides: object) -> OmegaConf:
    config = {
        **SHARED,
        "label_ids": None,
        "class_labels": {"class_labels_file": "label_ids.csv"},
        "dataset": {"data_dir": str(data_dir), "max_seq_length": 48, "pad_label": "O"},
        "head": {"num_fc_layers": 2, "fc_dropout": 0.0},
        "train_ds": {
            "text_file": "text_train.txt", "labels_file": "labels_train.txt",
            "batch_size": 64, "num_samples": 3000, "shuffle": True,
        },
        "validation_ds": {
            "text_file": "text_dev.txt", "labels_file": "labels_dev.txt", "batch_size": 128,
        },
    }  # fmt: skip
    config.update(overrides)
    return OmegaConf.create(config)


@pytest.fixture(scope="module")
def token_model(tmp_path_factory: pytest.TempPathFactory) -> TokenClassificationModel:
    torch.manual_seed(0)
    trainer = _trainer(tmp_path_factory.mktemp("token"))
    model = TokenClassificationModel(_token_config(), trainer=trainer)
    trainer.fit(model)
    return model.eval()


def test_a_tiny_token_classifier_finds_the_slots(token_model):
    queries, gold = _lines("text_test.txt")[:300], _lines("labels_test.txt")[:300]
    predicted = token_model.predict_labels(queries, batch_size=64)
    _, _, f1 = span_f1([g.split() for g in gold], predicted)
    assert f1 > 85
    assert token_model.labels[0] == "O" and token_model.cfg.label_ids["O"] == 0
    seen = {label for line in _lines("labels_train.txt") for label in line.split()}
    assert token_model.labels[1:] == sorted(seen - {"O"})  # all lines, not num_samples
    metrics = token_model.trainer.callback_metrics
    assert {"val_loss", "precision", "recall", "f1", "entity_f1"} <= set(metrics)
    assert float(metrics["entity_f1"]) > 85


def test_add_predictions_marks_entities_as_nemo_does(token_model, tmp_path):
    out = tmp_path / "tagged.txt"
    (tagged,) = token_model.add_predictions(["turn on the red lamp."], output_file=str(out))
    assert tagged == "turn on the red[B-color] lamp[B-item]."
    queries = tmp_path / "queries.txt"
    queries.write_text("open the door\n\nplay some music\n")
    assert len(token_model.add_predictions(str(queries))) == 2
    assert out.read_text() == tagged + "\n"


def test_the_token_archive_carries_the_label_ids(token_model, tmp_path):
    archive = tmp_path / "token.nemo"
    token_model.save_to(archive)
    with tarfile.open(archive) as tar:
        (member,) = [m for m in tar.getnames() if m.endswith("label_ids.csv")]
        text = tar.extractfile(member).read().decode()
    assert text.splitlines() == token_model.labels
    restored = TokenClassificationModel.restore_from(archive)
    queries = _lines("text_test.txt")[:40]
    assert restored.predict_labels(queries) == token_model.predict_labels(queries)
    assert not any(p.name == "label_ids.csv" for p in CORPUS.iterdir())  # data left alone


def _broken(tmp_path: Path, name: str, edit) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(CORPUS, copy)
    (copy / name).write_text(edit((copy / name).read_text()))
    return copy


@pytest.mark.parametrize(
    ("name", "edit", "match"),
    [
        ("labels_train.txt", lambda t: t.replace("\n", " O\n", 1), r"line 1: 11 labels for 10"),
        ("labels_train.txt", lambda t: t.split("\n", 1)[1], r"lines but text_train.txt has"),
        ("labels_dev.txt", lambda t: t.replace("O", "B-plant", 1), r"labels the model does not"),
        ("text_train.txt", lambda t: "\n" + t.split("\n", 1)[1], r"line 1: the sentence is empty"),
    ],
)
def test_bad_token_files_name_the_file_and_line(tmp_path, name, edit, match):
    with pytest.raises(ValueError, match=match):
        TokenClassificationModel(_token_config(_broken(tmp_path, name, edit)))


def test_token_classification_config_errors(tmp_path):
    with pytest.raises(NotADirectoryError, match="is not a directory"):
        TokenClassificationModel(_token_config(tmp_path / "nope"))
    config = _token_config(label_ids={"B-item": 0, "O": 1})
    config.dataset.pad_label = "NONE"
    with pytest.raises(ValueError, match="pad_label 'NONE' is not one of the labels"):
        TokenClassificationModel(config)
    with pytest.raises(
        ValueError, match=r"number the labels 0…1, each once; got \{.O.: 0, .B-item.: 2\}"
    ):
        TokenClassificationModel(_token_config(label_ids={"O": 0, "B-item": 2}))
    config = _token_config()
    config.train_ds.labels_file = "labels.txt"
    with pytest.raises(FileNotFoundError, match=r"labels.txt' does not exist"):
        TokenClassificationModel(config)


# -- metrics -------------------------------------------------------------------------------------


def test_the_confusion_matrix_counts_and_draws():
    report = ClassificationReport(3, {"a": 0, "b": 1, "c": 2})
    report.update(torch.tensor([0, 0, 1, 2, 2]), torch.tensor([0, 1, 1, 2, 0]))
    assert report.confusion.tolist() == [[1, 0, 1], [1, 1, 0], [0, 0, 1]]
    image = confusion_image(report.confusion, cell=4)
    assert image.shape == (3, 12, 12) and image.dtype == torch.uint8
    # a fully right row is darkest on its diagonal cell; a wrong cell stays white
    assert image[0, 9, 9] < image[0, 5, 5] < image[0, 1, 5] == 255
    with pytest.raises(ValueError, match="class ids 0…2"):
        report.update(torch.tensor([3]), torch.tensor([0]))


def test_span_f1_as_a_metric_sums_batches():
    metric = SpanF1()
    gold = [["B-item", "O"], ["B-room", "I-room"]]
    predicted = [["B-item", "O"], ["B-room", "O"]]
    metric.update(gold[:1], predicted[:1])
    metric.update(gold[1:], predicted[1:])
    assert [round(float(v), 4) for v in metric.compute()] == [
        round(v, 4) for v in span_f1(gold, predicted)
    ]
    assert float(metric.compute()[2]) == pytest.approx(50.0)


def test_weighted_loss_follows_new_training_data(tmp_path):
    train = tmp_path / "train.tsv"
    train.write_text("sentence\tlabel\nturn on the lamp\t0\nstop\t1\n")
    config = _text_config(train, class_labels={"class_labels_file": None})
    config.dataset.update({"num_classes": 2, "class_balancing": "weighted_loss"})
    config.train_ds.num_samples = -1
    config.validation_ds.file_path = str(train)
    model = TextClassificationModel(config)
    assert model.loss.weight.tolist() == pytest.approx([1.0, 1.0])
    again = tmp_path / "again.tsv"
    again.write_text("sentence\tlabel\nstop\t1\nstop it\t1\nstop now\t1\nlamp on\t0\n")
    model.setup_training_data({**config.train_ds, "file_path": str(again)})
    assert model.loss.weight.tolist() == pytest.approx([2.0, 2 / 3])  # 4 / (2 * count)
