"""``IntentSlotClassificationModel``: a BERT encoder with a joint intent and slot head (NeMo's).

Config, data layout and methods are NeMo's (``examples/nlp/intent_slot_classification``):
``data_dir`` with ``dict.intents.csv``/``dict.slots.csv`` and ``{prefix}.tsv`` +
``{prefix}_slots.tsv``; ``tokenizer``, ``language_model``, ``head``, ``class_balancing``,
``intent_loss_weight``, ``pad_label``, ``ignore_extra_tokens``, ``ignore_start_end``.
What a restored model needs travels in the ``.nemo``: the label files and the tokenizer's
files as artifacts, the label names and the encoder's shape in ``cfg.data_desc`` and
``cfg.language_model.config``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from omegaconf import OmegaConf

from nemo.collections.nlp.data.intent_slot_classification import (
    intent_slot_classification_dataset as _dataset,
)
from nemo.collections.nlp.data.intent_slot_classification import (
    intent_slot_classification_descriptor as _descriptor,
)
from nemo.collections.nlp.data.intent_slot_classification._files import read_queries
from nemo.collections.nlp.metrics.classification_report import ClassificationReport
from nemo.collections.nlp.metrics.span_metrics import slot_values
from nemo.collections.nlp.models.nlp_model import NLPModel
from nemo.collections.nlp.modules.common.classifiers import SequenceTokenClassifier
from nemo.utils.model_utils import plain_dict

__all__ = ["IntentSlotClassificationModel"]


class IntentSlotClassificationModel(NLPModel):
    """Joint intent classification and IOB slot filling over a BERT encoder."""

    # -- building ------------------------------------------------------------------------------

    def build_head(self) -> None:
        head = plain_dict(self._cfg.get("head") or {}, what="head")
        self.classifier = SequenceTokenClassifier(
            self.bert_model.hidden_size,
            num_intents=len(self.intent_labels),
            num_slots=len(self.slot_labels),
            num_layers=int(head.get("num_output_layers", 2)),
            dropout=float(head.get("fc_dropout", 0.1)),
        )
        desc = self._cfg.data_desc
        weighted = self._cfg.get("class_balancing") == "weighted_loss"
        self.intent_loss = torch.nn.CrossEntropyLoss(
            weight=torch.tensor(list(desc.intent_weights)) if weighted else None
        )
        self.slot_loss = torch.nn.CrossEntropyLoss(
            weight=torch.tensor(list(desc.slot_weights)) if weighted else None, reduction="none"
        )
        self.intent_classification_report = ClassificationReport(
            len(self.intent_labels), {n: i for i, n in enumerate(self.intent_labels)}
        )
        self.slot_classification_report = ClassificationReport(
            len(self.slot_labels), {n: i for i, n in enumerate(self.slot_labels)}
        )

    def _setup_labels(self) -> None:
        cfg = self._cfg
        if cfg.get("data_desc") is None:
            data_dir = cfg.get("data_dir")
            if data_dir is None or OmegaConf.is_missing(cfg, "data_dir"):
                raise ValueError(
                    "IntentSlotClassificationModel needs model.data_dir: the directory with "
                    "dict.intents.csv, dict.slots.csv and the {prefix}.tsv files"
                )
            modes = [
                section.prefix
                for key in ("train_ds", "validation_ds")
                if (section := cfg.get(key)) is not None and section.get("prefix")
            ]
            desc = _descriptor.IntentSlotDataDesc(
                data_dir, modes or ["train"], pad_label=cfg.get("pad_label", -1)
            )
            cfg.data_desc = {
                "intent_labels": desc.intents,
                "slot_labels": desc.slots,
                "intent_weights": desc.intent_weights,
                "slot_weights": desc.slot_weights,
                "pad_label": desc.pad_label,
            }
            # the label files travel in the archive: the data directory's own, never rewritten
            cfg.class_labels = {
                "intent_labels_file": str(Path(data_dir) / "dict.intents.csv"),
                "slot_labels_file": str(Path(data_dir) / "dict.slots.csv"),
            }
        for key in ("intent_labels_file", "slot_labels_file"):
            source = (cfg.get("class_labels") or {}).get(key)
            if source is not None:
                self.register_artifact(f"class_labels.{key}", source, verify_src_exists=False)
        self.intent_labels = list(cfg.data_desc.intent_labels)
        self.slot_labels = list(cfg.data_desc.slot_labels)
        self.pad_label = int(cfg.data_desc.pad_label)

    # -- data ----------------------------------------------------------------------------------

    def _loader(self, section: Any, *, training: bool) -> torch.utils.data.DataLoader[Any]:
        self._ensure_tokenizer()
        config = plain_dict(section, what="data set config")
        prefix = config.get("prefix")
        if not prefix:
            raise ValueError("the data set config needs prefix (train, dev, test, ...)")
        queries = read_queries(
            Path(self._cfg.data_dir), str(prefix), len(self.intent_labels), len(self.slot_labels)
        )
        count = int(config.get("num_samples", -1))
        if count > 0:
            queries.words, queries.intents, queries.slots = (
                queries.words[:count], queries.intents[:count], queries.slots[:count],
            )  # fmt: skip
        dataset = _dataset.IntentSlotClassificationDataset(
            queries.words, queries.intents, queries.slots, self.word_encoder(), self.pad_label,
            ignore_extra_tokens=bool(self._cfg.get("ignore_extra_tokens", False)),
            ignore_start_end=bool(self._cfg.get("ignore_start_end", True)),
            word_dropout=float(config.get("word_dropout", 0.0)) if training else 0.0,
        )  # fmt: skip
        return self.data_loader(dataset, config, training=training)

    # -- steps ---------------------------------------------------------------------------------

    def compute_loss(
        self, batch: Sequence[torch.Tensor]
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        input_ids, token_types, attention, loss_mask, _, intents, slots = batch
        intent_logits, slot_logits = self(input_ids, attention, token_types)
        intent_loss = self.intent_loss(intent_logits, intents)
        per_token = self.slot_loss(slot_logits.transpose(1, 2), slots)
        mask = loss_mask.float()
        slot_loss = (per_token * mask).sum() / mask.sum().clamp(min=1)
        weight = float(self._cfg.get("intent_loss_weight", 0.6))
        return weight * intent_loss + (1 - weight) * slot_loss, (intent_logits, slot_logits)

    def update_metrics(
        self, batch: Sequence[torch.Tensor], outputs: tuple[torch.Tensor, torch.Tensor]
    ) -> None:
        intent_logits, slot_logits = outputs
        subtokens, intents, slots = batch[4], batch[5], batch[6]
        self.intent_classification_report.update(intent_logits.argmax(-1), intents)
        words = subtokens > 0
        self.slot_classification_report.update(slot_logits.argmax(-1)[words], slots[words])

    def epoch_metrics(self, split: str, loss: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.report_metrics(
            self.intent_classification_report, "intent"
        ) | self.report_metrics(self.slot_classification_report, "slot")

    # -- inference -----------------------------------------------------------------------------

    def predict_from_examples(
        self, queries: Sequence[str], test_ds: Any = None, batch_size: int = 32
    ) -> tuple[list[str], list[str]]:
        """NeMo's inference: each query's intent name and its words' slot labels (one string
        of space-separated labels per query)."""
        intents: list[str] = []
        slots: list[str] = []
        for (intent_logits, slot_logits), subtokens in self.query_batches(queries, batch_size):
            for row, intent in enumerate(intent_logits.argmax(-1).tolist()):
                intents.append(self.intent_labels[intent])
                chosen = slot_logits[row].argmax(-1)[subtokens[row] > 0].tolist()
                slots.append(" ".join(self.slot_labels[i] for i in chosen))
        return intents, slots

    def parse(self, queries: Sequence[str], batch_size: int = 32) -> list[dict[str, Any]]:
        """``[{"intent": "set_color", "slots": {"item": "lamp", "color": "red"}}, ...]``: each
        slot's words joined by a space (the first span when a slot occurs twice)."""
        intents, slots = self.predict_from_examples(queries, batch_size=batch_size)
        parsed = []
        for query, intent, labels in zip(queries, intents, slots, strict=True):
            parsed.append({"intent": intent, "slots": slot_values(query.split(), labels.split())})
        return parsed
