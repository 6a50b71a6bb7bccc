"""BERTLMModel: masked-LM pretraining from raw text, and the encoder it hands to fine-tuning."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf

from nemo.collections.nlp.data.language_modeling.lm_bert_dataset import (
    IGNORE,
    BertPretrainingDataset,
)
from nemo.collections.nlp.metrics import iob_spans, span_f1
from nemo.collections.nlp.models import BERTLMModel
from nemo.collections.nlp.modules import get_lm_model
from nemo.core.tokenizers import get_tokenizer

CORPUS = Path(__file__).resolve().parents[2] / "data" / "smart_home_nlu"
VOCAB = CORPUS / "wordpiece" / "vocab.txt"
TEXT = CORPUS / "text_train.txt"


def _config(**overrides: object) -> OmegaConf:
    config = {
        "only_mlm_loss": True,
        "max_seq_length": 32,
        "mask_prob": 0.15,
        "tokenizer": {"tokenizer_name": "wordpiece", "vocab_file": str(VOCAB)},
        "language_model": {
            "pretrained_model_name": None,
            "config": {
                "hidden_size": 32,
                "num_hidden_layers": 1,
                "num_attention_heads": 2,
                "intermediate_size": 64,
                "max_position_embeddings": 32,
            },
        },
        "train_ds": {"data_file": str(TEXT), "batch_size": 64, "num_samples": 2000},
        "validation_ds": {"data_file": str(TEXT), "batch_size": 256, "num_samples": 500},
        "optim": {"name": "adamw", "lr": 3e-3},
    }
    config.update(overrides)
    return OmegaConf.create(config)


def test_pretraining_lowers_the_masked_lm_loss_and_hands_over_its_encoder(tmp_path, quiet_trainer):
    torch.manual_seed(0)
    trainer = quiet_trainer(max_epochs=2)
    model = BERTLMModel(_config(), trainer=trainer)
    batch = next(iter(model._validation_dl))
    with torch.no_grad():
        before = model.compute_loss(batch)[0].item()
    trainer.fit(model)
    with torch.no_grad():
        after = model.compute_loss(batch)[0].item()
    assert before > 5.0 and after < 0.8 * before  # ln(289) ≈ 5.7 at random
    assert {"train_loss", "val_loss", "val_perplexity"} <= set(trainer.callback_metrics)

    directory = model.save_encoder(tmp_path / "encoder")
    assert sorted(p.name for p in directory.iterdir()) == [
        "config.json", "model.safetensors", "vocab.txt",
    ]  # fmt: skip
    transformers = pytest.importorskip("transformers")
    reference = transformers.BertModel.from_pretrained(directory, local_files_only=True).eval()
    encoder = get_lm_model(pretrained_model_name=directory, vocab_file=directory / "vocab.txt")
    ids = torch.tensor([model.tokenizer.text_to_ids("turn on the kitchen light")])
    with torch.no_grad():
        expected = reference(input_ids=ids).last_hidden_state
        torch.testing.assert_close(encoder.eval()(input_ids=ids), expected, atol=1e-5, rtol=0)

    archive = tmp_path / "bert.nemo"
    model.save_to(archive)
    restored = BERTLMModel.restore_from(archive)
    with torch.no_grad():
        torch.testing.assert_close(
            restored.eval().compute_loss(batch)[0], model.eval().compute_loss(batch)[0]
        )


def test_masking_follows_berts_rule():
    tokenizer = get_tokenizer("wordpiece", vocab_file=VOCAB)
    dataset = BertPretrainingDataset(tokenizer, TEXT, max_seq_length=32, mask_prob=0.15)
    rows = dataset.examples[:512]
    original = torch.full((len(rows), max(map(len, rows))), tokenizer.pad_id)
    for i, row in enumerate(rows):
        original[i, : len(row)] = torch.tensor(row)
    torch.manual_seed(0)
    input_ids, _, _, labels = dataset.collate_fn(rows)
    chosen = labels != IGNORE
    specials = torch.tensor([tokenizer.cls_id, tokenizer.sep_id, tokenizer.pad_id])
    special = torch.isin(original, specials)
    assert not (chosen & special).any()  # [CLS], [SEP] and padding are never masked
    assert 0.12 < int(chosen.sum()) / int((~special).sum()) < 0.18
    masked = (input_ids == tokenizer.mask_id) & chosen
    assert 0.7 < int(masked.sum()) / int(chosen.sum()) < 0.9  # 80% [MASK], the rest random/kept
    assert torch.equal(labels[chosen], original[chosen])  # labels hold the original tokens
    assert torch.equal(input_ids[~chosen], original[~chosen])


def test_bad_pretraining_configs(tmp_path):
    with pytest.raises(ValueError, match="only_mlm_loss: true"):
        BERTLMModel(_config(only_mlm_loss=False))
    with pytest.raises(FileNotFoundError, match="data_file .*missing.txt' does not exist"):
        BERTLMModel(_config(train_ds={"data_file": str(tmp_path / "missing.txt")}))
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(ValueError, match="holds no text"):
        BERTLMModel(_config(train_ds={"data_file": str(empty)}))


def test_span_f1_scores_exact_spans_only():
    gold = [["B-item", "O", "B-room", "I-room"], ["B-color", "B-item"]]
    predicted = [["B-item", "O", "B-room", "O"], ["B-color", "B-item"]]
    assert iob_spans(gold[0]) == {("item", 0, 1), ("room", 2, 4)}
    precision, recall, f1 = span_f1(gold, predicted)  # "living" alone is not "living room"
    assert (precision, recall) == (75.0, 75.0) and f1 == pytest.approx(75.0)
    assert span_f1([["O"]], [["O"]]) == (0.0, 0.0, 0.0)
    assert iob_spans(["I-item", "I-item", "B-item"]) == {("item", 0, 2), ("item", 2, 3)}
