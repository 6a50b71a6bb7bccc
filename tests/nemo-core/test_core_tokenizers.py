"""Tokenizers in nemo-core: the contract, the registry kind, training, and the libraries' own
answers as oracles for the ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nemo.core import plugins
from nemo.core.tokenizers import (
    ByteLevelBPETokenizer,
    CharTokenizer,
    SentencePieceTokenizer,
    TokenizerSpec,
    WordPieceTokenizer,
    WordTokenizer,
    get_tokenizer,
    train_tokenizer,
)

WORDS = [
    "turn",
    "on",
    "off",
    "the",
    "lamp",
    "kitchen",
    "light",
    "please",
    "could",
    "you",
    "set",
    "fan",
    "to",
    "three",
    "red",
    "blue",
    "green",
    "open",
    "close",
    "window",
    "door",
    "box",
    "living",
    "room",
    "bedroom",
    "play",
    "music",
    "radio",
    "stop",
    "kettle",
    "find",
    "camera",
]
SENTENCES = [
    " ".join(WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(3 + i % 6)) for i in range(400)
]
PROBES = [
    "turn on the kitchen light",
    "Could you OPEN the Window, please?",
    "set the fan to 3 — now!",
    "xylophone quartz zebra",  # pieces unseen in training
    "  spaces   inside  ",
    "",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "text.txt"
    path.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    out = tmp_path_factory.mktemp("tokenizers")
    sizes = {"wordpiece": 120, "bpe": 400, "char": 60, "word": 40, "sentencepiece": 60}
    return {
        name: train_tokenizer(name, SENTENCES, out / name, size) for name, size in sizes.items()
    }


def _build(config: dict[str, str], **options: object) -> TokenizerSpec:
    return get_tokenizer(**config, **options)  # type: ignore[arg-type]


# -- the registry kind -------------------------------------------------------------------


def test_core_registers_its_tokenizers_by_reference():
    assert {"sentencepiece", "wordpiece", "bpe", "char", "word"} <= set(plugins.tokenizers.names())
    assert "tokenizers" in plugins.KINDS
    entry = plugins.tokenizers.get("wordpiece")
    assert entry.provider == "nemo-core"
    assert entry.target_name.endswith("wordpiece_tokenizer:WordPieceTokenizer")


def test_listing_tokenizers_imports_none_of_them():
    code = textwrap.dedent(
        """
        import json, sys
        from nemo.core import plugins
        names = plugins.tokenizers.names()
        loaded = [m for m in sys.modules if m.startswith("nemo.core.tokenizers.")
                  or m.split(".")[0] in ("tokenizers", "sentencepiece")]
        print(json.dumps([names, loaded]))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    names, loaded = json.loads(done.stdout)
    assert "wordpiece" in names and loaded == []


def test_nemo_list_tokenizers_json():
    done = subprocess.run(
        [sys.executable, "-m", "nemo.core.cli", "list", "tokenizers", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    listed = {row["name"]: row for row in json.loads(done.stdout)}
    assert listed["sentencepiece"]["provider"] == "nemo-core"


def test_unknown_tokenizer_names_the_available_ones():
    with pytest.raises(plugins.UnknownNameError, match="unknown tokenizer 'wordpeice'.*wordpiece"):
        get_tokenizer("wordpeice", vocab_file="x")


def test_arguments_a_tokenizer_does_not_take_are_refused_with_the_ones_it_takes(trained):
    with pytest.raises(TypeError, match="'char'.*does not take tokenizer_model.*vocab_file"):
        get_tokenizer("char", tokenizer_model="m.model", vocab_file=trained["char"]["vocab_file"])


class _Letters(TokenizerSpec):
    """A third party's tokenizer: a-z as ids 1-26, everything else 0."""

    def __init__(self, special_tokens: object = None) -> None:
        self.special_tokens = special_tokens

    def text_to_tokens(self, text):
        return list(text)

    def tokens_to_text(self, tokens):
        return "".join(tokens)

    def tokens_to_ids(self, tokens):
        return [ord(t) - 96 if "a" <= t <= "z" else 0 for t in tokens]

    def ids_to_tokens(self, ids):
        return [chr(i + 96) if i else "?" for i in ids]

    def text_to_ids(self, text):
        return self.tokens_to_ids(self.text_to_tokens(text))

    def ids_to_text(self, ids):
        return self.tokens_to_text(self.ids_to_tokens(ids))

    @property
    def vocab_size(self):
        return 27


def test_a_registered_third_party_tokenizer_is_built_by_get_tokenizer(nemo_registrations):
    plugins.register_tokenizer("letters", _Letters)
    tokenizer = get_tokenizer("letters", special_tokens={"pad_token": "?"})
    assert tokenizer.text_to_ids("abz!") == [1, 2, 26, 0]
    assert tokenizer.pad_id is None and tokenizer.cls_id is None  # absent roles are None
    assert tokenizer.vocab[:3] == ["?", "a", "b"] and tokenizer.name == "_Letters"
    with pytest.raises(NotImplementedError, match="pass special_tokens when you create it"):
        tokenizer.add_special_tokens({"cls_token": "[CLS]"})
    with pytest.raises(ValueError, match="cannot be trained here"):
        train_tokenizer("letters", ["abc"], "unused", 10)


def test_a_registration_that_is_not_a_tokenizer_class_is_refused(nemo_registrations):
    plugins.register_tokenizer("not_one", "collections:OrderedDict")
    with pytest.raises(TypeError, match="not a TokenizerSpec subclass"):
        get_tokenizer("not_one")


# -- the libraries' own answers -----------------------------------------------------------


def test_wordpiece_ids_are_the_tokenizers_librarys_bert_ids(trained):
    from tokenizers.implementations import BertWordPieceTokenizer

    vocab = trained["wordpiece"]["vocab_file"]
    ours = _build(trained["wordpiece"])
    oracle = BertWordPieceTokenizer(vocab, lowercase=True)
    for text in [*PROBES, *SENTENCES[:50]]:
        assert ours.text_to_ids(text) == oracle.encode(text, add_special_tokens=False).ids, text
    assert isinstance(ours, WordPieceTokenizer)


def test_byte_level_bpe_ids_are_the_tokenizers_librarys_ids(trained):
    from tokenizers.implementations import ByteLevelBPETokenizer as Oracle

    config = trained["bpe"]
    ours = _build(config)
    oracle = Oracle(config["vocab_file"], config["merges_file"])
    for text in [*PROBES, "grüße 🙂", *SENTENCES[:50]]:
        assert ours.text_to_ids(text) == oracle.encode(text).ids, text
        assert ours.ids_to_text(ours.text_to_ids(text)) == text  # bytes: nothing is unknown
    assert isinstance(ours, ByteLevelBPETokenizer)


@pytest.mark.parametrize("model_type", ["unigram", "bpe"])
def test_sentencepiece_ids_are_sentencepieces_ids(tmp_path, model_type):
    import sentencepiece

    config = train_tokenizer("sentencepiece", SENTENCES, tmp_path, 60, model_type=model_type)
    ours = _build(config)
    oracle = sentencepiece.SentencePieceProcessor(model_file=config["tokenizer_model"])
    for text in [*PROBES, *SENTENCES[:50]]:
        assert ours.text_to_ids(text) == oracle.encode(text), text
    assert isinstance(ours, SentencePieceTokenizer) and ours.unk_id == 0
    assert ours.pad_id is None and ours.bos_id is None  # not -1: absent is None


@pytest.mark.parametrize("name", ["wordpiece", "bpe", "char", "word", "sentencepiece"])
def test_round_trips(trained, name):
    tokenizer = _build(trained[name])
    text = "turn on the kitchen light"
    ids = tokenizer.text_to_ids(text)
    tokens = tokenizer.text_to_tokens(text)
    assert tokenizer.tokens_to_ids(tokens) == ids and tokenizer.ids_to_tokens(ids) == tokens
    assert tokenizer.ids_to_text(ids) == text and tokenizer.tokens_to_text(tokens) == text
    assert all(0 <= i < tokenizer.vocab_size for i in ids)
    assert len(tokenizer.vocab) == tokenizer.vocab_size


def test_char_and_word_split_as_neme_does(trained):
    chars, words = _build(trained["char"]), _build(trained["word"])
    assert isinstance(chars, CharTokenizer) and isinstance(words, WordTokenizer)
    assert chars.text_to_tokens("on it") == ["o", "n", " ", "i", "t"]
    assert words.text_to_tokens(" turn  on ") == ["turn", "on"]
    assert words.text_to_ids("turn zebra") == [words.token_to_id("turn"), words.unk_id]


# -- special tokens ------------------------------------------------------------------------


def test_trained_vocabularies_put_berts_special_tokens_first(trained):
    for name in ("wordpiece", "char", "word"):
        tokenizer = _build(trained[name])
        assert (tokenizer.pad_id, tokenizer.unk_id, tokenizer.cls_id) == (0, 1, 2)
        assert (tokenizer.sep_id, tokenizer.mask_id) == (3, 4)
        assert tokenizer.bos_id is None and tokenizer.eos_id is None
    bpe = _build(trained["bpe"])
    assert (bpe.pad_id, bpe.unk_id, bpe.bos_id, bpe.eos_id, bpe.mask_id) == (0, 1, 2, 3, 4)


def test_decoding_drops_control_tokens_but_not_unknown_text(trained):
    tokenizer = _build(trained["word"])
    ids = [tokenizer.cls_id, *tokenizer.text_to_ids("turn zebra on"), tokenizer.sep_id, 0, 0]
    assert tokenizer.ids_to_text(ids) == "turn [UNK] on"


def test_special_tokens_the_vocabulary_lacks_are_appended_so_ids_never_move(trained):
    base = _build(trained["wordpiece"])
    extended = _build(trained["wordpiece"], special_tokens={"unk_token": "[UNK]", "bos": "<s>"})
    assert extended.vocab_size == base.vocab_size + 1 and extended.bos_id == base.vocab_size
    assert extended.text_to_ids("turn on <s> light") == [
        *base.text_to_ids("turn on"), base.vocab_size, *base.text_to_ids("light"),
    ]  # fmt: skip
    assert extended.cls_id is None  # an explicit map names every role the tokenizer has


def test_sentencepiece_gets_berts_special_tokens_after_its_pieces(trained):
    config = trained["sentencepiece"]
    plain = _build(config)
    bert = _build(config, special_tokens={"cls_token": "[CLS]", "sep_token": "[SEP]"})
    assert (bert.cls_id, bert.sep_id) == (plain.vocab_size, plain.vocab_size + 1)
    assert bert.vocab_size == plain.vocab_size + 2
    assert (
        bert.ids_to_tokens([bert.cls_id]) == ["[CLS]"] and bert.token_to_id("[SEP]") == bert.sep_id
    )
    ids = [bert.cls_id, *bert.text_to_ids("turn on"), bert.sep_id]
    assert bert.ids_to_text(ids) == "turn on"


@pytest.mark.parametrize(
    ("special_tokens", "error", "match"),
    [
        (["[CLS]"], TypeError, "must map roles to tokens"),
        ({"start_token": "<s>"}, ValueError, "'start_token' is not a role.*bos_token"),
        ({"pad_token": ""}, ValueError, "must be a non-empty string"),
    ],
)
def test_bad_special_tokens(trained, special_tokens, error, match):
    with pytest.raises(error, match=match):
        _build(trained["char"], special_tokens=special_tokens)


def test_a_token_without_an_unknown_token_to_fall_back_on_is_a_clear_error(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\n")
    tokenizer = CharTokenizer(vocab)
    assert tokenizer.unk_id is None and tokenizer.text_to_ids("ab") == [0, 1]
    with pytest.raises(ValueError, match="'c' is not in the vocabulary.*no unknown token"):
        tokenizer.text_to_ids("abc")
    with pytest.raises(IndexError, match=r"id 7 is outside the vocabulary \(0…1\)"):
        tokenizer.ids_to_tokens([7])
    with pytest.raises(ValueError, match="has no unknown token.*WordPiece needs one"):
        WordPieceTokenizer(vocab)


# -- bad files -----------------------------------------------------------------------------


def test_vocabulary_file_errors_name_the_file_and_line(tmp_path):
    with pytest.raises(FileNotFoundError, match="vocab_file '.*missing.txt' does not exist"):
        get_tokenizer("word", vocab_file=tmp_path / "missing.txt")
    repeated = tmp_path / "repeated.txt"
    repeated.write_text("[UNK]\nlamp\nfan\nlamp\n")
    with pytest.raises(ValueError, match="repeated.txt', line 4: token 'lamp' repeats line 2"):
        get_tokenizer("word", vocab_file=repeated)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(ValueError, match="holds no tokens"):
        get_tokenizer("wordpiece", vocab_file=empty)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ValueError, match="is not UTF-8 text"):
        get_tokenizer("char", vocab_file=binary)


def test_byte_level_bpe_file_errors(trained, tmp_path):
    config = trained["bpe"]
    with pytest.raises(FileNotFoundError, match="merges_file .* does not exist"):
        get_tokenizer("bpe", vocab_file=config["vocab_file"], merges_file=tmp_path / "no.txt")
    bad = tmp_path / "vocab.json"
    bad.write_text('{"a": 0, "b": 5}')
    with pytest.raises(ValueError, match="distinct id 0…n-1"):
        get_tokenizer("bpe", vocab_file=bad, merges_file=config["merges_file"])
    wrong = tmp_path / "merges.txt"
    wrong.write_text("#version: 0.2\nzz qq\n")
    with pytest.raises(ValueError, match="does not fit"):
        get_tokenizer("bpe", vocab_file=config["vocab_file"], merges_file=wrong)


def test_sentencepiece_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.model' does not exist"):
        get_tokenizer("sentencepiece", tokenizer_model=tmp_path / "nope.model")
    (tmp_path / "bad.model").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="is not a sentencepiece model"):
        get_tokenizer("sentencepiece", tokenizer_model=tmp_path / "bad.model")


@pytest.mark.parametrize(
    ("name", "size", "match"),
    [
        ("wordpiece", 10, "smaller than the 5 special tokens and the .* characters"),
        ("bpe", 100, "use at least 261"),
        ("word", 5, "must exceed the 5 special tokens"),
        ("char", 0, "vocab_size must be a positive integer"),
    ],
)
def test_training_refuses_impossible_sizes(tmp_path, name, size, match):
    with pytest.raises(ValueError, match=match):
        train_tokenizer(name, SENTENCES, tmp_path, size)


@pytest.mark.parametrize("name", ["wordpiece", "bpe", "char", "word", "sentencepiece"])
def test_training_on_no_text_is_a_clear_error(tmp_path, name):
    with pytest.raises(ValueError, match="no text to train a tokenizer on"):
        train_tokenizer(name, ["", "   "], tmp_path, 300)


def test_a_missing_library_names_the_extra_to_install(trained):
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["tokenizers"] = None
        from nemo.core.tokenizers import get_tokenizer
        try:
            get_tokenizer("wordpiece", vocab_file={trained["wordpiece"]["vocab_file"]!r})
        except ImportError as exc:
            print(exc)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'nemo-core[tokenizers]'" in done.stdout


# -- training is deterministic, and a command ------------------------------------------------


def _train_in_process(out: Path, corpus: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    for name, size in (("wordpiece", 120), ("bpe", 400), ("word", 30), ("sentencepiece", 60)):
        subprocess.run(
            [sys.executable, "-m", "nemo.core.cli", "tokenizer", "train", "--type", name,
             "--vocab-size", str(size), "-o", str(out / name), str(corpus)],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_training_twice_writes_the_same_files(tmp_path, corpus):
    first = _train_in_process(tmp_path / "a", corpus, "1")
    second = _train_in_process(tmp_path / "b", corpus, "2")
    assert set(first) >= {"wordpiece/vocab.txt", "bpe/merges.txt", "sentencepiece/tokenizer.model"}
    assert first == second


def test_nemo_tokenizer_train_prints_the_config_section(tmp_path, corpus):
    done = subprocess.run(
        [sys.executable, "-m", "nemo.core.cli", "tokenizer", "train", "--type", "sentencepiece",
         "--spe-type", "bpe", "--vocab-size", "50", "-o", str(tmp_path), str(corpus)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    model = tmp_path / "tokenizer.model"
    assert done.stdout.splitlines() == [
        "tokenizer:", "  tokenizer_name: sentencepiece", f"  tokenizer_model: {model}",
    ]  # fmt: skip
    assert get_tokenizer("sentencepiece", tokenizer_model=model).text_to_ids("turn on")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "word", "missing.txt"], "no such file: missing.txt"),
        (["--type", "wordpeice", "CORPUS"], "unknown tokenizer 'wordpeice'"),
        (["--type", "word", "--spe-type", "bpe", "CORPUS"], "--spe-type is for --type"),
    ],
)
def test_nemo_tokenizer_train_errors(tmp_path, corpus, args, message):
    args = [str(corpus) if a == "CORPUS" else a for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "nemo.core.cli", "tokenizer", "train", "--vocab-size", "30",
         "-o", str(tmp_path), *args],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and message in done.stderr
    assert "Traceback" not in done.stderr
