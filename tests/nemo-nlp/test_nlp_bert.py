"""The BERT encoder and get_lm_model, with Hugging Face's BertModel as the oracle."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from nemo.collections.nlp.modules import BertConfig, BertEncoder, get_lm_model

transformers = pytest.importorskip("transformers")  # the test extra: nemo-nlp[test]

SHAPE = {
    "vocab_size": 61,
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 48,
    "max_position_embeddings": 40,
}


def _hf_model(cls_name: str = "BertModel", **overrides: object) -> torch.nn.Module:
    torch.manual_seed(0)
    config = transformers.BertConfig(**{**SHAPE, **overrides})
    model = getattr(transformers, cls_name)(config).eval()
    with torch.no_grad():  # non-trivial LayerNorms and biases, so that any mismatch shows
        for name, parameter in model.named_parameters():
            if "LayerNorm" in name or name.endswith("bias"):
                parameter.add_(torch.randn_like(parameter) * 0.1)
    return model


def _save(model: torch.nn.Module, directory: Path, *, safetensors: bool = True) -> Path:
    model.save_pretrained(directory, safe_serialization=safetensors)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += [f"w{i}" for i in range(SHAPE["vocab_size"] - len(vocab))]
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n")
    return directory


def _batch() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(5, SHAPE["vocab_size"], (3, 17), generator=generator)
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0  # padded rows, as a batch of different lengths has them
    mask[2, 4:] = 0
    ids[mask == 0] = 0
    types = torch.zeros_like(ids)
    types[:, 8:] = 1
    return ids, mask, types


@pytest.mark.parametrize("safetensors", [True, False], ids=["safetensors", "pytorch_model.bin"])
def test_hidden_states_equal_hugging_faces_bert(tmp_path, safetensors):
    reference = _hf_model()
    directory = _save(reference, tmp_path, safetensors=safetensors)
    encoder = get_lm_model(pretrained_model_name=directory, vocab_file=directory / "vocab.txt")
    assert isinstance(encoder, BertEncoder)
    encoder.eval()
    ids, mask, types = _batch()
    with torch.no_grad():
        expected = reference(input_ids=ids, attention_mask=mask, token_type_ids=types)
        hidden = encoder(input_ids=ids, attention_mask=mask, token_type_ids=types)
    kept = mask.bool()  # padded positions' states are unused; compare the real tokens
    torch.testing.assert_close(hidden[kept], expected.last_hidden_state[kept], atol=1e-5, rtol=0)
    torch.testing.assert_close(encoder.pooled(hidden), expected.pooler_output, atol=1e-5, rtol=0)
    without = encoder(input_ids=ids)  # no mask, no token types: all attended, type 0
    reference_without = reference(input_ids=ids).last_hidden_state
    torch.testing.assert_close(without, reference_without, atol=1e-5, rtol=0)


def test_a_task_checkpoint_loads_its_encoder(tmp_path):
    """BertForMaskedLM: ``bert.``-prefixed keys and a ``cls.`` head, which is left out."""
    reference = _hf_model("BertForMaskedLM")
    directory = _save(reference, tmp_path)
    encoder = get_lm_model(pretrained_model_name=directory).eval()
    ids, mask, types = _batch()
    with torch.no_grad():
        expected = reference.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
        hidden = encoder(input_ids=ids, attention_mask=mask, token_type_ids=types)
    kept = mask.bool()
    torch.testing.assert_close(hidden[kept], expected.last_hidden_state[kept], atol=1e-5, rtol=0)


def test_config_file_and_checkpoint_file_as_separate_files(tmp_path):
    reference = _hf_model(hidden_act="gelu_new")
    directory = _save(reference, tmp_path / "saved")
    encoder = get_lm_model(
        config_file=directory / "config.json", checkpoint_file=directory / "model.safetensors"
    ).eval()
    ids, _, _ = _batch()
    with torch.no_grad():
        torch.testing.assert_close(
            encoder(input_ids=ids), reference(input_ids=ids).last_hidden_state, atol=1e-5, rtol=0
        )


def test_a_fresh_encoder_from_a_config_dict():
    encoder = get_lm_model(config_dict=SHAPE)
    assert isinstance(encoder, BertEncoder) and encoder.hidden_size == 32
    hidden = encoder(input_ids=torch.ones(2, 5, dtype=torch.long))
    assert hidden.shape == (2, 5, 32)
    embedding = encoder.embeddings.word_embeddings.weight
    assert float(embedding[0].detach().abs().sum()) == 0.0  # the padding row
    assert 0.01 < float(embedding[1:].detach().std()) < 0.03  # BERT's initializer_range


def test_any_local_automodel_with_the_hf_extra(tmp_path):
    reference = _hf_model()
    directory = _save(reference, tmp_path)
    encoder = get_lm_model(pretrained_model_name=directory, library="huggingface").eval()
    ids, mask, types = _batch()
    with torch.no_grad():
        hidden = encoder(input_ids=ids, attention_mask=mask, token_type_ids=types)
        expected = reference(input_ids=ids, attention_mask=mask, token_type_ids=types)
    torch.testing.assert_close(hidden, expected.last_hidden_state)


def test_importing_nemo_nlp_imports_neither_transformers_nor_torch():
    code = (
        "import sys, nemo.collections.nlp, nemo.collections.nlp.modules; "
        "print([m for m in ('transformers', 'torch') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- bad input -------------------------------------------------------------------------------


def test_a_name_that_is_not_a_local_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="'bert-base-uncased' is not a local directory"):
        get_lm_model(pretrained_model_name="bert-base-uncased")
    with pytest.raises(ValueError, match="needs the encoder's shape"):
        get_lm_model()


def test_weights_that_do_not_fit_the_config(tmp_path):
    directory = _save(_hf_model(), tmp_path)
    config = json.loads((directory / "config.json").read_text())
    with pytest.raises(ValueError, match=r"missing encoder\.layer\.2\."):
        get_lm_model(pretrained_model_name=directory, config_dict={"num_hidden_layers": 3})
    with pytest.raises(
        ValueError, match=r"word_embeddings.weight has shape \(61, 32\).*\(70, 32\)"
    ):
        get_lm_model(pretrained_model_name=directory, config_dict={"vocab_size": 70})
    assert config["vocab_size"] == 61


def test_a_vocabulary_of_another_size_than_the_embeddings(tmp_path):
    directory = _save(_hf_model(), tmp_path)
    short = tmp_path / "short.txt"
    short.write_text("[PAD]\n[UNK]\nlamp\n")
    with pytest.raises(ValueError, match="has 3 tokens but the encoder's embeddings have 61 rows"):
        get_lm_model(pretrained_model_name=directory, vocab_file=short)


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="config_file .* does not exist"):
        get_lm_model(config_file=tmp_path / "config.json")
    (tmp_path / "config.json").write_text(json.dumps(SHAPE))
    with pytest.raises(FileNotFoundError, match="holds no weights: expected one of"):
        get_lm_model(pretrained_model_name=tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="is not a safetensors file"):
        get_lm_model(pretrained_model_name=tmp_path)
    (tmp_path / "bad.bin").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="is not a PyTorch state dict"):
        get_lm_model(config_dict=SHAPE, checkpoint_file=tmp_path / "bad.bin")


def test_configs_the_built_in_encoder_cannot_run(tmp_path):
    with pytest.raises(ValueError, match="describes a 'roberta' model.*library='huggingface'"):
        get_lm_model(config_dict={**SHAPE, "model_type": "roberta"})
    with pytest.raises(
        ValueError, match="hidden_size 32 is not a multiple of num_attention_heads 5"
    ):
        get_lm_model(config_dict={**SHAPE, "num_attention_heads": 5})
    with pytest.raises(ValueError, match="hidden_act 'tanh' is not one of"):
        BertEncoder(BertConfig(**{**SHAPE, "hidden_act": "tanh"}))
    encoder = BertEncoder(SHAPE)
    with pytest.raises(ValueError, match="41 tokens is longer than .*max_position_embeddings"):
        encoder(input_ids=torch.ones(1, 41, dtype=torch.long))
