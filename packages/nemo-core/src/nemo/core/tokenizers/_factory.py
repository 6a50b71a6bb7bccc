"""``get_tokenizer`` and ``train_tokenizer``: any registered tokenizer by name.

Tokenizers are a registry kind like optimizers: nemo-core registers its own, a plugin adds one
with ``registrar.tokenizer(name, "pkg.module:Class")``, and ``nemo list tokenizers`` lists
them without importing any. A registered class is built from keyword arguments named like
NeMo's factory's files: ``model_path`` (from ``tokenizer_model``), ``vocab_file``,
``merges_file``, ``special_tokens``, plus its own options; a ``train`` classmethod makes it
trainable by ``nemo tokenizer train``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nemo.core.tokenizers.tokenizer_spec import TokenizerSpec

__all__ = ["get_tokenizer", "train_tokenizer"]


def get_tokenizer(
    tokenizer_name: str,
    tokenizer_model: str | Path | None = None,
    vocab_file: str | Path | None = None,
    merges_file: str | Path | None = None,
    special_tokens: Mapping[str, str] | None = None,
    **options: Any,
) -> TokenizerSpec:
    """Build the tokenizer registered as ``tokenizer_name`` from its files.

    ``get_tokenizer("wordpiece", vocab_file="vocab.txt")``,
    ``get_tokenizer("sentencepiece", tokenizer_model="tokenizer.model")``.
    """
    tokenizer_class = _tokenizer_class(tokenizer_name)
    files = {"model_path": tokenizer_model, "vocab_file": vocab_file, "merges_file": merges_file}
    kwargs: dict[str, Any] = {key: str(value) for key, value in files.items() if value is not None}
    if special_tokens is not None:
        kwargs["special_tokens"] = special_tokens
    kwargs.update(options)
    _check_arguments(tokenizer_name, tokenizer_class, tokenizer_class, kwargs)
    return tokenizer_class(**kwargs)


def train_tokenizer(
    tokenizer_name: str,
    texts: Iterable[str],
    output_dir: str | Path,
    vocab_size: int,
    **options: Any,
) -> dict[str, Any]:
    """Train the tokenizer registered as ``tokenizer_name`` on ``texts``; the same text always
    gives the same files. Returns get_tokenizer's arguments for the result, name included."""
    tokenizer_class = _tokenizer_class(tokenizer_name)
    train = getattr(tokenizer_class, "train", None)
    if train is None:
        raise ValueError(
            f"tokenizer {tokenizer_name!r} cannot be trained here ({tokenizer_class.__name__} "
            "has no train method): train it with its own tools and pass its files to "
            "get_tokenizer"
        )
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 1:
        raise ValueError(f"vocab_size must be a positive integer, got {vocab_size!r}")
    _check_arguments(tokenizer_name, tokenizer_class, train, options)
    files = train(texts, output_dir, vocab_size, **options)
    return {"tokenizer_name": tokenizer_name, **files}


def _tokenizer_class(name: str) -> type[TokenizerSpec]:
    from nemo.core.plugins import tokenizers

    found = tokenizers.load(name)
    if not (isinstance(found, type) and issubclass(found, TokenizerSpec)):
        registration = tokenizers.get(name)
        raise TypeError(
            f"tokenizer {name!r} registered by {registration.provider} is {found!r}, not a "
            "TokenizerSpec subclass: the plugin must register a tokenizer class"
        )
    return found


def _check_arguments(name: str, owner: type, function: Any, kwargs: Mapping[str, Any]) -> None:
    """Refuse arguments the class does not take, naming the ones it does."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    accepted = [
        p.name
        for p in parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in ("self", "cls")
    ]
    unknown = [key for key in kwargs if key not in accepted]
    if unknown:
        shown = ["tokenizer_model" if a == "model_path" else a for a in accepted]
        raise TypeError(
            f"tokenizer {name!r} ({owner.__name__}) does not take "
            + ", ".join("tokenizer_model" if u == "model_path" else u for u in unknown)
            + f"; it takes: {', '.join(shown)}"
        )
