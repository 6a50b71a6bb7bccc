"""``get_lm_model``: a language-model encoder from local files, with NeMo's arguments.

Nothing is downloaded: ``pretrained_model_name`` is a local directory in Hugging Face's layout
(``config.json``, ``model.safetensors`` or ``pytorch_model.bin``, ``vocab.txt``). Without one,
``config_dict``/``config_file`` give the shape of a freshly initialised encoder.
``library="huggingface"`` (``pip install 'nemo-nlp[hf]'``) wraps any local ``AutoModel``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from nemo.collections.nlp.modules.common._checkpoints import (
    find_weights,
    load_encoder_state,
    read_config_file,
)
from nemo.collections.nlp.modules.common.bert import (
    BertConfig,
    BertEncoder,
    LanguageModelEncoder,
)
from nemo.core.classes import NeuralModule, typecheck

__all__ = ["HuggingFaceEncoder", "get_lm_model"]

_LIBRARIES = ("nemo", "huggingface")


def get_lm_model(
    pretrained_model_name: str | Path | None = None,
    config_dict: Mapping[str, Any] | None = None,
    config_file: str | Path | None = None,
    checkpoint_file: str | Path | None = None,
    vocab_file: str | Path | None = None,
    library: str = "nemo",
) -> NeuralModule:
    """The encoder NeMo's NLP models put under their heads (``cfg.language_model``)."""
    if library not in _LIBRARIES:
        raise ValueError(f"library {library!r} is not one of {', '.join(_LIBRARIES)}")
    directory = _local_directory(pretrained_model_name)
    if library == "huggingface":
        if directory is None:
            raise ValueError("library='huggingface' needs pretrained_model_name: a local directory")
        return HuggingFaceEncoder(directory)
    values: dict[str, Any] = {}
    source = "config_dict"
    if directory is not None:
        values, source = read_config_file(directory / "config.json"), str(directory)
    if config_file is not None:
        values, source = read_config_file(config_file), str(config_file)
    if config_dict is not None:
        values = {**values, **dict(config_dict)}
    if not values:
        raise ValueError(
            "get_lm_model needs the encoder's shape: pretrained_model_name (a local directory "
            "with config.json), config_file or config_dict"
        )
    model_type = values.get("model_type", "bert")
    if model_type != "bert":
        raise ValueError(
            f"{source} describes a {model_type!r} model; the built-in encoder is BERT. Use "
            "library='huggingface' (pip install 'nemo-nlp[hf]') for other architectures"
        )
    encoder = BertEncoder(BertConfig.from_dict(values, source=source))
    weights = checkpoint_file
    if weights is None and directory is not None:
        weights = find_weights(directory)
    if weights is not None:
        load_encoder_state(encoder, weights)
    if vocab_file is not None:
        check_vocabulary(vocab_file, encoder.config.vocab_size)
    return encoder


def check_vocabulary(vocab_file: str | Path, vocab_size: int) -> None:
    """A vocabulary of another size than the embedding table is refused: ids would be wrong."""
    from nemo.core.tokenizers import read_vocab_file

    tokens = read_vocab_file(vocab_file)
    if len(tokens) != vocab_size:
        raise ValueError(
            f"vocab_file {str(vocab_file)!r} has {len(tokens)} tokens but the encoder's "
            f"embeddings have {vocab_size} rows: give the vocabulary the checkpoint was "
            "trained with"
        )


def _local_directory(name: str | Path | None) -> Path | None:
    if name is None or str(name) == "":
        return None
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    raise FileNotFoundError(
        f"pretrained_model_name {str(name)!r} is not a local directory. Nothing is downloaded: "
        "save the model with save_pretrained() where this machine can read it and give that "
        "directory, or build a fresh encoder from config_file/config_dict"
    )


class HuggingFaceEncoder(LanguageModelEncoder):
    """Any local ``transformers.AutoModel`` as an encoder: its last hidden state."""

    def __init__(self, directory: str | Path) -> None:
        super().__init__()
        try:
            import transformers
        except ImportError as exc:
            raise ImportError(
                "library='huggingface' needs transformers: pip install 'nemo-nlp[hf]'"
            ) from exc
        self.model = transformers.AutoModel.from_pretrained(str(directory), local_files_only=True)
        self.hidden_size = int(self.model.config.hidden_size)

    @typecheck()
    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        kwargs = {"attention_mask": attention_mask}
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        return self.model(input_ids=input_ids, **kwargs).last_hidden_state  # type: ignore[no-any-return]
