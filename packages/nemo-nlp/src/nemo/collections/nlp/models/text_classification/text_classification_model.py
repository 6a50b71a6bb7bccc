"""``TextClassificationModel``: one class per sentence from a BERT encoder (NeMo's).

Config and data are NeMo's (``examples/nlp/text_classification``): ``dataset.num_classes``,
``dataset.max_seq_length``, ``dataset.class_balancing``, ``classifier_head``,
``class_labels.class_labels_file`` (optional, one label name per line), and
``{train,validation,test}_ds.file_path`` of ``sentence<TAB>label id`` files with a header.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from omegaconf import OmegaConf

from nemo.collections.nlp.data._sentences import read_labelled_sentences
from nemo.collections.nlp.data.text_classification.text_classification_dataset import (
    TextClassificationDataset,
)
from nemo.collections.nlp.metrics.classification_report import ClassificationReport
from nemo.collections.nlp.models.nlp_model import NLPModel
from nemo.collections.nlp.modules.common.classifiers import SequenceClassifier
from nemo.utils.model_utils import plain_dict

__all__ = ["TextClassificationModel"]


class TextClassificationModel(NLPModel):
    """Sentence classification over a BERT encoder's [CLS] state."""

    # -- building ------------------------------------------------------------------------------

    def build_head(self) -> None:
        head = plain_dict(self._cfg.get("classifier_head") or {}, what="classifier_head")
        self.classifier = SequenceClassifier(
            self.bert_model.hidden_size,
            num_classes=self.num_classes,
            num_layers=int(head.get("num_output_layers", 2)),
            activation=str(head.get("activation", "relu")),
            dropout=float(head.get("fc_dropout", 0.1)),
        )
        self.loss = torch.nn.CrossEntropyLoss(weight=self.class_weights_for_loss())
        label_ids = {name: i for i, name in enumerate(self.class_labels)}
        self.classification_report = ClassificationReport(self.num_classes, label_ids)

    def _setup_labels(self) -> None:
        dataset = self._cfg.get("dataset")
        if dataset is None or OmegaConf.is_missing(dataset, "num_classes"):
            raise ValueError(
                "TextClassificationModel needs model.dataset.num_classes: the number of classes "
                "(label ids 0…num_classes-1 in the data files)"
            )
        self.num_classes = int(dataset.num_classes)
        if self.num_classes < 2:
            raise ValueError(f"model.dataset.num_classes must be 2 or more, got {self.num_classes}")
        self.class_labels = [str(i) for i in range(self.num_classes)]
        source = (self._cfg.get("class_labels") or {}).get("class_labels_file")
        if source:
            path = Path(str(self.register_artifact("class_labels.class_labels_file", source)))
            names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
            names = [name for name in names if name]
            if len(names) != self.num_classes:
                raise ValueError(
                    f"{str(path)!r} names {len(names)} classes but model.dataset.num_classes is "
                    f"{self.num_classes}: one label name per line, line n naming class n-1"
                )
            self.class_labels = names

    # -- data ----------------------------------------------------------------------------------

    def _loader(self, section: Any, *, training: bool) -> torch.utils.data.DataLoader[Any]:
        self._ensure_tokenizer()
        config = plain_dict(section, what="data set config")
        if not config.get("file_path"):
            raise ValueError(
                "the data set config needs file_path: a file of 'sentence<TAB>label id' lines"
            )
        read = read_labelled_sentences(
            Path(str(config["file_path"])), self.num_classes,
            labels_from="model.dataset.num_classes",
        ).head(int(config.get("num_samples", -1)))  # fmt: skip
        if training and self._cfg.dataset.get("class_balancing") == "weighted_loss":
            self.balance_classes(read.labels, self.num_classes)
        dataset = TextClassificationDataset(read.words, read.labels, self.word_encoder())
        return self.data_loader(dataset, config, training=training)

    # -- steps ---------------------------------------------------------------------------------

    def compute_loss(self, batch: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        input_ids, segment_ids, input_mask, labels = batch
        logits = self(input_ids, input_mask, segment_ids)
        return self.loss(logits, labels), logits

    def update_metrics(self, batch: Sequence[torch.Tensor], outputs: torch.Tensor) -> None:
        self.classification_report.update(outputs.argmax(-1), batch[3])

    def epoch_metrics(self, split: str, loss: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.report_metrics(self.classification_report, split)

    # -- inference -----------------------------------------------------------------------------

    def classifytext(
        self, queries: Sequence[str], batch_size: int = 1, max_seq_length: int = -1
    ) -> list[int]:
        """NeMo's inference: each query's class id. ``max_seq_length=-1`` keeps every token
        the encoder has positions for; a positive value truncates to it."""
        limit = (
            max_seq_length if max_seq_length > 0 else self.bert_model.config.max_position_embeddings
        )
        predictions: list[int] = []
        for logits, _ in self.query_batches(queries, batch_size, limit):
            predictions += logits.argmax(-1).tolist()
        return predictions

    def classify(self, queries: Sequence[str], batch_size: int = 32) -> list[str]:
        """Each query's class name (``class_labels.class_labels_file``, else its id)."""
        return [self.class_labels[i] for i in self.classifytext(queries, batch_size)]
