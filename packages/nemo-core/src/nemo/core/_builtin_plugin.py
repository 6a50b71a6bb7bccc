"""nemo-core's own plugin: its tokenizers, commands and location resolver use the public hooks.

Like pytest's built-in plugins, nothing here is special: a third-party plugin could provide
the same through the same hooks. It is always loaded, first.
"""

from __future__ import annotations

from nemo.core.plugins import KINDS, Registrar, hookimpl

TYPE_CHECKING = False  # not typing's: discovery imports this module at every start
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Any

__all__ = ["nemo_add_cli_commands", "nemo_register", "nemo_resolve_location"]

_TOKENIZERS = "nemo.core.tokenizers"
# name -> (module:class, description); the names are NeMo's get_tokenizer names where it has one
_CORE_TOKENIZERS = {
    "sentencepiece": (
        f"{_TOKENIZERS}.sentencepiece_tokenizer:SentencePieceTokenizer",
        "SentencePiece unigram/BPE subwords (extra: nemo-core[sentencepiece])",
    ),
    "wordpiece": (
        f"{_TOKENIZERS}.wordpiece_tokenizer:WordPieceTokenizer",
        "BERT's WordPiece over vocab.txt (extra: nemo-core[tokenizers])",
    ),
    "bpe": (
        f"{_TOKENIZERS}.byte_level_bpe_tokenizer:ByteLevelBPETokenizer",
        "byte-level BPE over vocab.json + merges.txt (extra: nemo-core[tokenizers])",
    ),
    "char": (f"{_TOKENIZERS}.char_tokenizer:CharTokenizer", "one token per character"),
    "word": (f"{_TOKENIZERS}.word_tokenizer:WordTokenizer", "one token per word"),
}


@hookimpl
def nemo_register(registrar: Registrar) -> None:
    for name, (target, description) in _CORE_TOKENIZERS.items():
        registrar.tokenizer(name, target, description=description)


@hookimpl(tryfirst=True)  # core's commands keep their names; a plugin's clash is its fault
def nemo_add_cli_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    import argparse

    plugins = subparsers.add_parser(
        "plugins", help="list installed plugins: versions, hooks, registrations, load errors"
    )
    plugins.add_argument("--json", action="store_true", help="print JSON")
    plugins.set_defaults(handler="nemo.core.cli._commands:show_plugins")

    listing = subparsers.add_parser(
        "list",
        help="list registered models, optimizers, schedulers, tokenizers or pretrained models",
    )
    listing.add_argument("kind", choices=KINDS, help="what to list")
    listing.add_argument(
        "pattern", nargs="?", default=None, help="fnmatch pattern on names, e.g. '*ctc*'"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler="nemo.core.cli._commands:list_registrations")

    tokenizer = subparsers.add_parser("tokenizer", help="train a tokenizer from text files")
    actions = tokenizer.add_subparsers(dest="action", required=True, metavar="ACTION")
    train = actions.add_parser(
        "train", help="train a tokenizer on text files (one sentence per line), deterministically"
    )
    train.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text files")
    train.add_argument(
        "--type", required=True, metavar="NAME", help="a tokenizer name (`nemo list tokenizers`)"
    )
    train.add_argument("--vocab-size", type=int, required=True, help="the vocabulary's size")
    train.add_argument("-o", "--output-dir", required=True, help="where the files are written")
    train.add_argument(
        "--lower-case",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="lower-case the text first (default: the tokenizer's; wordpiece lower-cases)",
    )
    train.add_argument(
        "--spe-type",
        default=None,
        choices=("unigram", "bpe", "char", "word"),
        help="sentencepiece's model type (default unigram)",
    )
    train.set_defaults(handler="nemo.core.tokenizers._cli:train")

    info = subparsers.add_parser(
        "info", help="what a .nemo archive holds: class, config, parameters, artifacts"
    )
    info.add_argument("archive", help="path to a .nemo file")
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(handler="nemo.core.cli._archive_info:show_archive_info")


@hookimpl(trylast=True)
def nemo_resolve_location(location: str) -> Path | None:
    """Local paths and ``file://`` URLs: used as they are, never copied into the cache."""
    from pathlib import Path
    from urllib.parse import unquote, urlparse

    parsed = urlparse(location)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "" or (len(parsed.scheme) == 1 and location[1:3] in (":\\", ":/")):
        return Path(location).expanduser()
    return None
