"""``TokenClassificationModel``: a label per word from a BERT encoder (NeMo's; named entities,
IOB slots).

Config and data are NeMo's (``examples/nlp/token_classification``): ``dataset.data_dir`` with
``text_*.txt`` (a sentence per line) and ``labels_*.txt`` (a label per word), ``label_ids``
(filled from the training labels: ``dataset.pad_label`` is 0, the rest sorted), ``head``
(``num_fc_layers``, ``fc_dropout``, ``activation``, ``use_transformer_init``). Validation logs
NeMo's word-level ``precision``/``recall``/``f1`` and the entity-level ``entity_f1`` (a span
counts when its type and exact words match).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from omegaconf import OmegaConf, open_dict

from nemo.collections.nlp.data.token_classification.token_classification_dataset import (
    TokenClassificationDataset,
)
from nemo.collections.nlp.data.token_classification.token_classification_utils import (
    get_label_ids,
    read_tagged_files,
)
from nemo.collections.nlp.metrics.classification_report import ClassificationReport
from nemo.collections.nlp.metrics.span_metrics import SpanF1
from nemo.collections.nlp.models.nlp_model import NLPModel
from nemo.collections.nlp.modules.common.classifiers import TokenClassifier
from nemo.utils.model_utils import plain_dict

__all__ = ["TokenClassificationModel"]

_LOADER_KEYS = ("num_workers", "pin_memory", "drop_last")


class TokenClassificationModel(NLPModel):
    """Word labelling over a BERT encoder's states."""

    # -- building ------------------------------------------------------------------------------

    def build_head(self) -> None:
        head = plain_dict(self._cfg.get("head") or {}, what="head")
        self.classifier = TokenClassifier(
            self.bert_model.hidden_size,
            num_classes=len(self.labels),
            num_layers=int(head.get("num_fc_layers", 2)),
            activation=str(head.get("activation", "relu")),
            dropout=float(head.get("fc_dropout", 0.1)),
            use_transformer_init=head.get("use_transformer_init"),
        )
        self.loss = torch.nn.CrossEntropyLoss(
            weight=self.class_weights_for_loss(), reduction="none"
        )
        label_ids = {name: i for i, name in enumerate(self.labels)}
        self.classification_report = ClassificationReport(len(self.labels), label_ids)
        self.entity_f1 = SpanF1()

    def _setup_labels(self) -> None:
        cfg = self._cfg
        dataset = cfg.get("dataset")
        if dataset is None or OmegaConf.is_missing(dataset, "data_dir"):
            raise ValueError(
                "TokenClassificationModel needs model.dataset.data_dir: the directory with the "
                "text_*.txt and labels_*.txt files"
            )
        self.pad_label_name = str(dataset.get("pad_label", "O"))
        label_ids = cfg.get("label_ids")
        if isinstance(label_ids, str):  # NeMo: a file of labels, one per line, line n is id n-1
            path = Path(label_ids)
            if not path.is_file():
                raise FileNotFoundError(
                    f"model.label_ids {label_ids!r} does not exist: give a file of labels, one "
                    "per line (line n is id n-1), a mapping, or null to read the training labels"
                )
            names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
            label_ids = {name: i for i, name in enumerate(n for n in names if n)}
        elif label_ids is not None:
            label_ids = {str(k): int(v) for k, v in plain_dict(label_ids, what="label_ids").items()}
        else:
            train = cfg.get("train_ds")
            if train is None:
                raise ValueError(
                    "model.label_ids is not set and there is no train_ds to read labels from: "
                    "give train_ds (text_file, labels_file) or label_ids"
                )
            _, tags = self._read(train, every_line=True)  # NeMo reads all, num_samples or not
            label_ids = get_label_ids(tags, self.pad_label_name)
        if sorted(label_ids.values()) != list(range(len(label_ids))):
            raise ValueError(
                f"model.label_ids must number the labels 0…{len(label_ids) - 1}, each once; got "
                f"{label_ids}"
            )
        if self.pad_label_name not in label_ids:
            raise ValueError(
                f"dataset.pad_label {self.pad_label_name!r} is not one of the labels "
                f"({', '.join(label_ids)}); set it to the label of words outside every entity"
            )
        cfg.label_ids = label_ids
        self.labels = sorted(label_ids, key=label_ids.__getitem__)
        self._write_label_file()

    def _write_label_file(self) -> None:
        """NeMo's ``label_ids.csv`` artifact (a label per line), written to a directory this
        model owns, never into the data directory."""
        if self._is_model_being_restored():
            source = (self._cfg.get("class_labels") or {}).get("class_labels_file")
            if source:
                self.register_artifact("class_labels.class_labels_file", source)
            return
        self._label_dir = tempfile.TemporaryDirectory(prefix="nemo-labels-")
        chosen = (self._cfg.get("class_labels") or {}).get("class_labels_file")
        path = Path(self._label_dir.name) / Path(str(chosen or "label_ids.csv")).name
        path.write_text("\n".join(self.labels) + "\n", encoding="utf-8")
        self._cfg.class_labels = {"class_labels_file": str(path)}
        self.register_artifact("class_labels.class_labels_file", str(path))

    # -- data ----------------------------------------------------------------------------------

    def update_data_dir(self, data_dir: str | Path) -> None:
        """Point ``dataset.data_dir`` at new data (NeMo's, to fine-tune a trained model); the
        data sets set up afterwards read from there, with this model's labels."""
        with open_dict(self._cfg):
            self._cfg.dataset.data_dir = str(data_dir)

    def _read(
        self, section: Any, *, every_line: bool = False
    ) -> tuple[list[list[str]], list[list[str]]]:
        data_dir = Path(str(self._cfg.dataset.data_dir))
        if not data_dir.is_dir():
            raise NotADirectoryError(
                f"dataset.data_dir {str(data_dir)!r} is not a directory: give the directory "
                "with the text_*.txt and labels_*.txt files"
            )
        for key in ("text_file", "labels_file"):
            if not section.get(key):
                raise ValueError(f"the data set config needs {key} (a file in dataset.data_dir)")
        words, tags = read_tagged_files(
            data_dir / str(section.text_file), data_dir / str(section.labels_file)
        )
        count = -1 if every_line else int(section.get("num_samples", -1))
        return (words[:count], tags[:count]) if count > 0 else (words, tags)

    def _loader(self, section: Any, *, training: bool) -> torch.utils.data.DataLoader[Any]:
        self._ensure_tokenizer()
        words, tags = self._read(section)
        label_ids = dict(self._cfg.label_ids)
        get_label_ids(tags, self.pad_label_name, label_ids, source=str(section.labels_file))
        labels = [[label_ids[t] for t in row] for row in tags]
        dataset_cfg = self._cfg.dataset
        if training and dataset_cfg.get("class_balancing") == "weighted_loss":
            self.balance_classes([label for row in labels for label in row], len(label_ids))
        dataset = TokenClassificationDataset(
            words, labels, self.word_encoder(), label_ids[self.pad_label_name],
            ignore_extra_tokens=bool(dataset_cfg.get("ignore_extra_tokens", False)),
            ignore_start_end=bool(dataset_cfg.get("ignore_start_end", False)),
        )  # fmt: skip
        config = {k: dataset_cfg[k] for k in _LOADER_KEYS if dataset_cfg.get(k) is not None}
        config |= plain_dict(section, what="data set config")
        return self.data_loader(dataset, config, training=training)

    # -- steps ---------------------------------------------------------------------------------

    def compute_loss(self, batch: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        input_ids, segment_ids, input_mask, _, loss_mask, labels = batch
        logits = self(input_ids, input_mask, segment_ids)
        per_token = self.loss(logits.transpose(1, 2), labels)
        mask = loss_mask.float()
        return (per_token * mask).sum() / mask.sum().clamp(min=1), logits

    def update_metrics(self, batch: Sequence[torch.Tensor], outputs: torch.Tensor) -> None:
        subtokens, labels = batch[3] > 0, batch[5]
        predictions = outputs.argmax(-1)
        self.classification_report.update(predictions[subtokens], labels[subtokens])
        self.entity_f1.update(
            [self._names(row[mask]) for row, mask in zip(labels, subtokens, strict=True)],
            [self._names(row[mask]) for row, mask in zip(predictions, subtokens, strict=True)],
        )

    def epoch_metrics(self, split: str, loss: torch.Tensor) -> dict[str, torch.Tensor]:
        metrics = self.report_metrics(self.classification_report, "token", keys="")
        precision, recall, f1 = self.entity_f1.compute()
        self.entity_f1.reset()
        return metrics | {"entity_precision": precision, "entity_recall": recall, "entity_f1": f1}

    def _names(self, ids: torch.Tensor) -> list[str]:
        return [self.labels[i] for i in ids.tolist()]

    # -- inference -----------------------------------------------------------------------------

    def predict_labels(self, queries: Sequence[str], batch_size: int = 32) -> list[list[str]]:
        """Each query's words' labels."""
        predicted: list[list[str]] = []
        for logits, subtokens in self.query_batches(queries, batch_size):
            predictions = logits.argmax(-1)
            predicted += [
                self._names(row[mask > 0]) for row, mask in zip(predictions, subtokens, strict=True)
            ]
        return predicted

    def add_predictions(
        self, queries: Sequence[str] | str, batch_size: int = 32, output_file: str | None = None
    ) -> list[str]:
        """NeMo's inference: each query with ``[LABEL]`` after every word outside
        ``pad_label`` (trailing punctuation kept after the label); ``queries`` may be a file
        of queries, one per line; ``output_file`` gets the results, one per line."""
        if isinstance(queries, str):
            queries = Path(queries).read_text(encoding="utf-8").splitlines()
        queries = [query for query in queries if query.strip()]
        results = []
        for query, labels in zip(queries, self.predict_labels(queries, batch_size), strict=True):
            words = []
            for word, label in zip(query.split(), labels, strict=False):
                stem, punct = (word, "") if word[-1].isalnum() else (word[:-1], word[-1])
                tag = "" if label == self.pad_label_name else f"[{label}]"
                words.append(f"{stem}{tag}{punct}")
            results.append(" ".join(words))
        if output_file is not None:
            Path(output_file).write_text("".join(f"{r}\n" for r in results), encoding="utf-8")
        return results
