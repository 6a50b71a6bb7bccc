"""``NLPModel``: what every NLP model here builds the same way (NeMo's base of NLP models).

The ``tokenizer`` section (its files registered as artifacts, a local BERT directory meaning
its WordPiece ``vocab.txt``), the ``language_model`` section (a fresh or pretrained encoder,
built from ``language_model.config`` alone when restored, whose vocabulary must match the
tokenizer's), the data loaders' common keys, the steps (a model gives ``compute_loss``,
``update_metrics`` and ``epoch_metrics``; training, validation and test logging are the same
for all), and how a classification report reaches the logs (scalars, the text report, a
confusion-matrix image in TensorBoard).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import torch
from omegaconf import open_dict

from nemo.collections.nlp.data._sentences import class_weights
from nemo.collections.nlp.data._words import WordEncoder, WordQueriesDataset
from nemo.collections.nlp.metrics.classification_report import (
    ClassificationReport,
    confusion_image,
)
from nemo.collections.nlp.modules.common.bert import BertEncoder
from nemo.collections.nlp.modules.common.lm_utils import get_lm_model
from nemo.core.classes import ModelPT
from nemo.core.tokenizers import TokenizerSpec, get_tokenizer
from nemo.utils import logging
from nemo.utils.model_utils import plain_dict

__all__ = ["NLPModel"]

_TOKENIZER_FILES = ("vocab_file", "tokenizer_model", "merges_file")


class NLPModel(ModelPT):
    """A ``ModelPT`` with a tokenizer, a BERT encoder (``self.bert_model``) and a head over its
    states (the attribute ``head_name``, built by ``build_head``)."""

    tokenizer: TokenizerSpec
    bert_model: BertEncoder
    head_name = "classifier"

    def __init__(self, cfg: Any, trainer: Any = None) -> None:
        super().__init__(cfg=cfg, trainer=trainer)
        self._ensure_tokenizer()  # labels, then tokenizer (perhaps built by the data setup)
        self.setup_language_model()
        self.build_head()

    def build_head(self) -> None:
        """Build the head (``self.<head_name>``), the losses and the metrics; the encoder is
        ``self.bert_model`` by then."""
        raise NotImplementedError(f"{type(self).__name__} does not implement build_head")

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> Any:
        """The head's logits (float32 under mixed precision too) over the encoder's states."""
        hidden = self.bert_model(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        )
        logits = getattr(self, self.head_name)(hidden_states=hidden)
        if isinstance(logits, tuple):
            return tuple(part.float() for part in logits)
        return logits.float()

    def _setup_labels(self) -> None:
        """Read or check the model's label names in ``self._cfg`` (open for writing) before the
        tokenizer is built; models with labels override it."""

    def _ensure_tokenizer(self) -> None:
        """Labels and tokenizer on first need: ``ModelPT.__init__`` sets up the data sets,
        which need the tokenizer, before a subclass's ``__init__`` goes on."""
        if "tokenizer" not in self.__dict__:
            with open_dict(self._cfg):
                self._setup_labels()
            self.setup_tokenizer(self._cfg.get("tokenizer"))

    @property
    def max_seq_length(self) -> int:
        """``dataset.max_seq_length`` (text and token classification) or
        ``language_model.max_seq_length`` (intent/slot), in tokens with [CLS] and [SEP]."""
        for section in ("dataset", "language_model"):
            value = (self._cfg.get(section) or {}).get("max_seq_length")
            if value is not None:
                return int(value)
        return 128

    def word_encoder(self, max_seq_length: int | None = None) -> WordEncoder:
        """The encoder of words into this model's inputs (``dataset.do_lower_case`` applied)."""
        lower = bool((self._cfg.get("dataset") or {}).get("do_lower_case", False))
        return WordEncoder(self.tokenizer, max_seq_length or self.max_seq_length, lower_case=lower)

    def setup_tokenizer(self, section: Any) -> None:
        """Build ``self.tokenizer`` from the ``tokenizer`` config section (NeMo's keys)."""
        config = plain_dict(section or {}, what="tokenizer")
        name = config.get("tokenizer_name")
        if not name:
            raise ValueError(
                "tokenizer.tokenizer_name is not set: name a tokenizer (`nemo list tokenizers`, "
                "e.g. wordpiece with tokenizer.vocab_file) or a local BERT directory"
            )
        if Path(str(name)).is_dir():  # a local BERT checkpoint: its own WordPiece vocabulary
            config["vocab_file"] = config.get("vocab_file") or str(Path(str(name)) / "vocab.txt")
            name = "wordpiece"
            with open_dict(self._cfg):
                self._cfg.tokenizer.tokenizer_name = name
        files = {
            key: self.register_artifact(f"tokenizer.{key}", config[key])
            for key in _TOKENIZER_FILES
            if config.get(key) is not None
        }
        options = {k: config[k] for k in ("do_lower_case",) if config.get(k) is not None}
        self.tokenizer = get_tokenizer(
            str(name), special_tokens=config.get("special_tokens"), **files, **options
        )

    def setup_language_model(self) -> None:
        """Build ``self.bert_model`` from ``language_model`` and record its shape there."""
        section = self._cfg.language_model
        shape = plain_dict(section.get("config") or {}, what="language_model.config")
        pretrained = section.get("pretrained_model_name")
        checkpoint = section.get("lm_checkpoint")
        if self._is_model_being_restored() or not (pretrained or checkpoint):
            shape.setdefault("vocab_size", self.tokenizer.vocab_size)
            encoder = get_lm_model(config_dict=shape)  # restored: the weights follow
        else:
            config_file = section.get("config_file")
            if config_file is not None:
                config_file = self.register_artifact("language_model.config_file", config_file)
            encoder = get_lm_model(
                pretrained_model_name=pretrained, config_dict=shape or None,
                config_file=config_file, checkpoint_file=checkpoint,
            )  # fmt: skip
        if not isinstance(encoder, BertEncoder):
            raise TypeError(f"{type(self).__name__} runs the built-in BERT encoder")
        if encoder.config.vocab_size != self.tokenizer.vocab_size:
            raise ValueError(
                f"the tokenizer has {self.tokenizer.vocab_size} tokens but the encoder's "
                f"embeddings have {encoder.config.vocab_size} rows: give the tokenizer files "
                "the encoder was trained with (tokenizer.vocab_file)"
            )
        with open_dict(self._cfg):
            section.config = dataclasses.asdict(encoder.config)  # all a restored model needs
        self.cfg = self._cfg
        self.bert_model = encoder

    # -- data ----------------------------------------------------------------------------------

    def balance_classes(self, labels: Sequence[int], num_classes: int) -> None:
        """``class_balancing: weighted_loss``: weigh ``self.loss`` by the inverse frequency of
        each class in the training ``labels``. The data is set up before ``build_head``; the
        weights wait for the loss it builds (``class_weights_for_loss``)."""
        weights = torch.tensor(class_weights(labels, num_classes))
        if "loss" in self._modules:
            loss: Any = self.loss
            loss.weight = weights  # a buffer of the loss: it moves with the model
        else:
            self._class_weights = weights

    def class_weights_for_loss(self) -> torch.Tensor | None:
        """The weights ``balance_classes`` kept for ``build_head``'s loss (None: unweighted)."""
        weights: torch.Tensor | None = self.__dict__.pop("_class_weights", None)
        return weights

    def _loader(self, section: Any, *, training: bool) -> torch.utils.data.DataLoader[Any]:
        """The loader of one data set config section; each model reads its own files."""
        raise NotImplementedError(f"{type(self).__name__} does not read data sets")

    def setup_training_data(self, train_data_config: Any) -> None:
        self._train_dl = self._loader(train_data_config, training=True)

    def setup_validation_data(self, val_data_config: Any) -> None:
        self._validation_dl = self._loader(val_data_config, training=False)

    def setup_test_data(self, test_data_config: Any) -> None:
        self._test_dl = self._loader(test_data_config, training=False)

    # -- steps ---------------------------------------------------------------------------------

    def compute_loss(self, batch: Sequence[torch.Tensor]) -> tuple[torch.Tensor, Any]:
        """The batch's loss and the model outputs ``update_metrics`` reads."""
        raise NotImplementedError(f"{type(self).__name__} does not implement compute_loss")

    def update_metrics(self, batch: Sequence[torch.Tensor], outputs: Any) -> None:
        """Add a validation/test batch to the model's metrics (none by default)."""

    def epoch_metrics(self, split: str, loss: torch.Tensor) -> dict[str, torch.Tensor]:
        """The metrics of a finished validation/test epoch (``split`` is val or test); the
        model's metrics are reset for the next one."""
        return {}

    def training_step(self, batch: Sequence[torch.Tensor], batch_idx: int) -> dict[str, Any]:
        loss, _ = self.compute_loss(batch)
        lr = self._optimizer.param_groups[0]["lr"] if self._optimizer is not None else 0.0
        self.log("train_loss", loss)
        self.log("lr", lr, prog_bar=True)
        return {"loss": loss, "lr": lr}

    def validation_step(
        self, batch: Sequence[torch.Tensor], batch_idx: int, dataloader_idx: int = 0
    ) -> dict[str, torch.Tensor]:
        loss, outputs = self.compute_loss(batch)
        self.update_metrics(batch, outputs)
        return {"val_loss": loss}

    def test_step(
        self, batch: Sequence[torch.Tensor], batch_idx: int, dataloader_idx: int = 0
    ) -> dict[str, torch.Tensor]:
        return {"test_loss": self.validation_step(batch, batch_idx)["val_loss"]}

    def multi_validation_epoch_end(
        self, outputs: list[Any], dataloader_idx: int = 0
    ) -> dict[str, Any]:
        return self._report(outputs, "val")

    def multi_test_epoch_end(self, outputs: list[Any], dataloader_idx: int = 0) -> dict[str, Any]:
        return self._report(outputs, "test")

    def _report(self, outputs: list[Any], split: str) -> dict[str, Any]:
        loss = torch.stack([o[f"{split}_loss"] for o in outputs]).mean()
        metrics = {f"{split}_loss": loss, **self.epoch_metrics(split, loss)}
        return {f"{split}_loss": loss, "log": metrics}

    # -- inference -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def evaluating(self) -> Iterator[torch.device]:
        """Eval mode without gradients for inference, the former mode restored after; yields
        the device the model is on."""
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                yield next(self.parameters()).device
        finally:
            self.train(was_training)

    def query_batches(
        self, queries: Sequence[str], batch_size: int, max_seq_length: int | None = None
    ) -> Iterator[tuple[Any, torch.Tensor]]:
        """``forward``'s output for each batch of space-separated queries, in order, with the
        batch's ``subtokens_mask`` (1 on each word's first sub-token)."""
        dataset = WordQueriesDataset(list(queries), self.word_encoder(max_seq_length))
        loader = torch.utils.data.DataLoader(
            dataset, batch_size=batch_size, shuffle=False, collate_fn=dataset.collate_fn
        )
        with self.evaluating() as device:
            for input_ids, token_types, attention, subtokens in loader:
                outputs = self(input_ids.to(device), attention.to(device), token_types.to(device))
                yield outputs, subtokens.to(device)

    @staticmethod
    def data_loader(
        dataset: Any, config: dict[str, Any], *, training: bool
    ) -> torch.utils.data.DataLoader[Any]:
        """A loader over ``dataset`` with the data set config's NeMo keys."""
        return torch.utils.data.DataLoader(
            dataset,
            batch_size=int(config.get("batch_size", 32)),
            shuffle=bool(config.get("shuffle", training)),
            num_workers=int(config.get("num_workers", 0)),
            drop_last=bool(config.get("drop_last", False)),
            pin_memory=bool(config.get("pin_memory", False)),
            collate_fn=dataset.collate_fn,
        )

    def report_metrics(
        self, report: ClassificationReport, name: str, keys: str | None = None
    ) -> dict[str, torch.Tensor]:
        """``{keys}precision/recall/f1`` of ``report`` (``keys`` defaults to ``{name}_``); its
        text goes to the log and its confusion matrix to every TensorBoard logger as the image
        ``{name}_confusion_matrix``. The report is reset for the next epoch."""
        precision, recall, f1, text = report.compute()
        logging.info("%s report:\n%s", name, text)
        self._log_confusion_matrix(f"{name}_confusion_matrix", report)
        report.reset()
        keys = f"{name}_" if keys is None else keys
        return {f"{keys}precision": precision, f"{keys}recall": recall, f"{keys}f1": f1}

    def _log_confusion_matrix(self, tag: str, report: ClassificationReport) -> None:
        if self._trainer is None or self.trainer.sanity_checking:
            return
        # every logger whose writer draws images: TensorBoard's SummaryWriter and its likes
        experiments: list[Any] = [getattr(logger, "experiment", None) for logger in self.loggers]
        writers = [w for w in experiments if callable(getattr(w, "add_image", None))]
        if not writers:
            return
        image = confusion_image(report.confusion)
        order = ", ".join(report.names.get(i, str(i)) for i in range(report.num_classes))
        for writer in writers:
            writer.add_image(tag, image, global_step=self.global_step, dataformats="CHW")
            writer.add_text(
                f"{tag}_classes",
                f"rows gold, columns predicted: {order}",
                global_step=self.global_step,
            )
