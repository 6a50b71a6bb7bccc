"""The models shipped inside nemo-nlp: found by name, verified, restored offline, and they work."""

from __future__ import annotations

import hashlib
from importlib.resources import files
from pathlib import Path

import pytest

from nemo.collections.nlp.metrics import span_f1
from nemo.collections.nlp.models import BERTLMModel, IntentSlotClassificationModel
from nemo.core import plugins

CORPUS = Path(__file__).resolve().parents[2] / "data" / "smart_home_nlu"
NAMES = {
    "nlu_en_smart_home_bert": BERTLMModel,
    "nlu_en_smart_home_intent_slot": IntentSlotClassificationModel,
}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEMO_OFFLINE", "1")  # shipped means no network, ever
    monkeypatch.setenv("NEMO_CACHE_DIR", str(tmp_path / "cache"))


def test_registered_with_checksums_that_match_the_installed_files() -> None:
    total = 0
    for name, model_class in NAMES.items():
        info = plugins.pretrained.get(name).info
        assert info["location"].startswith("package://nemo.collections.nlp/")
        data = (
            files("nemo.collections.nlp").joinpath(info["location"].split("/", 3)[3]).read_bytes()
        )
        assert len(data) == info["size"] and hashlib.sha256(data).hexdigest() == info["sha256"]
        assert name in model_class.get_available_model_names()
        total += len(data)
    assert total <= 15 * 1024 * 1024  # the budget for both


def test_the_shipped_model_understands_held_out_and_noisy_commands() -> None:
    model = IntentSlotClassificationModel.from_pretrained("nlu_en_smart_home_intent_slot")
    labels = (CORPUS / "dict.slots.csv").read_text().split()
    for split, intent_floor, slot_floor in (("test", 97.0, 95.0), ("test_noisy", 90.0, 88.0)):
        rows = [r.rsplit("\t", 1) for r in (CORPUS / f"{split}.tsv").read_text().splitlines()[1:]]
        gold_slots = [
            [labels[int(i)] for i in line.split()]
            for line in (CORPUS / f"{split}_slots.tsv").read_text().splitlines()
        ]
        intents, slots = model.predict_from_examples([text for text, _ in rows], batch_size=256)
        accuracy = (
            100
            * sum(
                model.intent_labels[int(gold)] == predicted
                for (_, gold), predicted in zip(rows, intents, strict=True)
            )
            / len(rows)
        )
        f1 = span_f1(gold_slots, [s.split() for s in slots])[2]
        assert accuracy >= intent_floor and f1 >= slot_floor, (split, accuracy, f1)


def test_the_shipped_encoder_fills_in_masked_words() -> None:
    import torch

    model = BERTLMModel.from_pretrained("nlu_en_smart_home_bert").eval()
    tokenizer = model.tokenizer
    numbers = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
    colors = {"red", "green", "blue", "yellow", "black", "white", "orange", "purple", "brown"}
    probes = (
        ("set the fan to three", "three", numbers, 1),
        ("please open the window", "open", {"open", "close", "shut"}, 2),
        ("turn on the kitchen light", "kitchen", colors | {"gray", "kitchen", "bedroom"}, 3),
    )
    for text, word, fitting, k in probes:
        ids = [tokenizer.cls_id, *tokenizer.text_to_ids(text), tokenizer.sep_id]
        position = ids.index(tokenizer.token_to_id(word))
        ids[position] = tokenizer.mask_id
        with torch.no_grad():
            logits = model(
                torch.tensor([ids]),
                torch.ones(1, len(ids)),
                torch.zeros(1, len(ids), dtype=torch.long),
            )
        top = tokenizer.ids_to_tokens(logits[0, position].topk(k).indices.tolist())
        assert set(top) <= fitting, (text, top)  # words of the class that fits there
