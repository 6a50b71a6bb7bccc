"""MTEncDecModel: it learns, generates the same with and without the cache, saves, restores,
and refuses bad configs and mismatched tokenizers with errors that say what to do."""

from __future__ import annotations

import pytest
import pytorch_lightning as pl
import torch
from omegaconf import OmegaConf, open_dict

from nemo.collections.nlp.models import MTEncDecModel
from nemo.collections.nlp.models.machine_translation.mt_enc_dec_config import AAYNBaseConfig
from nemo.collections.nlp.models.machine_translation.mt_enc_dec_model import corpus_bleu
from nemo.collections.nlp.modules.common.transformer.transformer_generators import (
    BeamSearchSequenceGenerator,
)

_PAIRS = {
    "open the door": "öffne die Tür",
    "close the box": "schließe die Kiste",
    "open the box": "öffne die Kiste",
    "close the door": "schließe die Tür",
    "stop the fan": "stopp den Ventilator",
}
SOURCES = [f"please {source}" for source in _PAIRS]
TARGETS = [f"bitte {target}" for target in _PAIRS.values()]


def _files(tmp_path, repeat=16):
    (tmp_path / "train.en").write_text("\n".join(SOURCES * repeat) + "\n", encoding="utf-8")
    (tmp_path / "train.de").write_text("\n".join(TARGETS * repeat) + "\n", encoding="utf-8")
    return tmp_path / "train.en", tmp_path / "train.de"


def _config(tmp_path, **model):
    src, tgt = _files(tmp_path)
    cfg = OmegaConf.structured(AAYNBaseConfig())
    cfg.src_language, cfg.tgt_language = "en", "de"
    cfg.preproc_out_dir = str(tmp_path / "tokenizers")
    cfg.encoder_tokenizer.vocab_size = 100
    shape = {"hidden_size": 32, "inner_size": 64, "num_layers": 1, "num_attention_heads": 2,
             "ffn_dropout": 0.0, "attn_score_dropout": 0.0, "attn_layer_dropout": 0.0,
             "max_sequence_length": 32}  # fmt: skip
    cfg.encoder.update(shape)
    cfg.decoder.update({k: v for k, v in shape.items() if k != "hidden_size"})
    cfg.train_ds.update(src_file_name=str(src), tgt_file_name=str(tgt), tokens_in_batch=64)
    cfg.validation_ds.update(src_file_name=str(src), tgt_file_name=str(tgt), tokens_in_batch=256)
    cfg.test_ds = None
    cfg.optim.lr = 3e-3
    cfg.optim.sched.warmup_steps = 50
    for key, value in model.items():
        OmegaConf.update(cfg, key, value, merge=False)
    return cfg


def _fit(model, epochs):
    trainer = pl.Trainer(
        max_epochs=epochs, logger=False, enable_checkpointing=False, enable_progress_bar=False,
        enable_model_summary=False, num_sanity_val_steps=0, check_val_every_n_epoch=epochs,
        accelerator="cpu",
    )  # fmt: skip
    trainer.fit(model)
    return trainer


def test_the_documented_dataclass_example_works():
    cfg = AAYNBaseConfig()
    cfg.encoder.num_layers = 8
    cfg.train_ds.tokens_in_batch = 8192
    composed = OmegaConf.structured(cfg)
    assert composed.encoder.num_layers == 8 and composed.train_ds.tokens_in_batch == 8192
    assert composed.optim.sched.name == "InverseSquareRootAnnealing"
    assert composed.encoder.hidden_size == 512 and composed.decoder.hidden_size == 512
    composed.encoder.hidden_size = 256  # NeMo leaves the decoder's width unset: the encoder's
    assert composed.decoder.hidden_size == 256


def test_a_tiny_model_learns_to_translate_and_logs_bleu(tmp_path):
    torch.manual_seed(0)
    model = MTEncDecModel(_config(tmp_path))
    assert model.decoder.hidden_size == 32  # the decoder's unset width is the encoder's
    before = corpus_bleu(model.translate(SOURCES), TARGETS)
    trainer = _fit(model, 40)
    after = model.translate(SOURCES, source_lang="en", target_lang="de")
    assert after == TARGETS, after
    assert before < 20 and corpus_bleu(after, TARGETS) == pytest.approx(100.0)
    assert float(trainer.callback_metrics["val_sacreBLEU"]) == pytest.approx(100.0)
    assert float(trainer.callback_metrics["val_loss"]) < 1.0
    # beam search stops once every hypothesis has ended, long before its length limit
    tokenizer = model.encoder_tokenizer
    src = torch.tensor([[tokenizer.bos_id, *tokenizer.text_to_ids(SOURCES[0]), tokenizer.eos_id]])
    ids = model.generate(src, torch.ones_like(src))
    expected = len(tokenizer.text_to_ids(TARGETS[0])) + 2  # bos ... eos
    assert ids.shape[1] == expected < src.shape[1] + model.cfg.max_generation_delta


def test_cached_generation_equals_rerunning_the_prefix_and_beam_one_is_greedy(tmp_path):
    torch.manual_seed(0)
    model = MTEncDecModel(_config(tmp_path, **{"encoder.pre_ln": True, "decoder.pre_ln": True}))
    model.eval()
    assert model.encoder._encoder.final_layer_norm is not None  # pre-LN's final norm
    tokenizer = model.encoder_tokenizer
    rows = [[tokenizer.bos_id, *tokenizer.text_to_ids(s), tokenizer.eos_id] for s in SOURCES]
    width = max(map(len, rows))
    src = torch.tensor([r + [tokenizer.pad_id] * (width - len(r)) for r in rows])
    mask = (src != tokenizer.pad_id).long()
    for beam in (1, 4):
        cached = model.generate(src, mask, beam_size=beam, use_cache=True)
        rerun = model.generate(src, mask, beam_size=beam, use_cache=False)
        assert torch.equal(cached, rerun), beam
        assert cached.shape[1] <= width + model.cfg.max_generation_delta + 1


def test_beam_search_returns_its_hypotheses_sorted_by_penalised_score(tmp_path):
    torch.manual_seed(0)
    model = MTEncDecModel(_config(tmp_path, len_pen=0.6)).eval()
    generator = model._generator(beam_size=3)
    assert isinstance(generator, BeamSearchSequenceGenerator)
    tokenizer = model.encoder_tokenizer
    src = torch.tensor(
        [[tokenizer.bos_id, *tokenizer.text_to_ids("open the door"), tokenizer.eos_id]]
    )
    memory = model.encoder(input_ids=src, encoder_mask=torch.ones_like(src))
    best, hypotheses, scores = generator(memory, torch.ones_like(src), return_beam_scores=True)
    assert hypotheses.shape[:2] == (1, 3) and scores.shape == (1, 3)
    assert torch.equal(best[0], hypotheses[0, scores[0].argmax()])


def test_label_smoothing_mixes_the_uniform_cross_entropy_into_the_loss(tmp_path):
    torch.manual_seed(0)
    model = MTEncDecModel(_config(tmp_path)).eval()
    batch = model._train_dl.dataset[0]
    with torch.no_grad():
        plain, log_probs = model._loss(batch)
    with open_dict(model.cfg):
        model.cfg.label_smoothing = 0.1
    with torch.no_grad():
        smoothed, _ = model._loss(batch)
    real = batch["labels"] != model.decoder_tokenizer.pad_id
    nll = -log_probs.gather(-1, batch["labels"][..., None])[..., 0][real].mean()
    uniform = -log_probs.mean(-1)[real].mean()
    assert float(plain) == pytest.approx(float(nll), rel=1e-5)
    assert float(smoothed) == pytest.approx(0.9 * float(nll) + 0.1 * float(uniform), rel=1e-5)


def test_save_restore_keeps_translations_and_the_tokenizer(tmp_path):
    torch.manual_seed(0)
    model = MTEncDecModel(_config(tmp_path, share_embeddings=True))
    assert model.encoder.embedding.token_embedding is model.decoder.embedding.token_embedding
    assert model.log_softmax.mlp.layers[-1].weight is model.decoder.embedding.token_embedding.weight
    _fit(model, 10)
    expected = model.translate(SOURCES)
    model.save_to(tmp_path / "mt.nemo")
    for path in (tmp_path / "tokenizers").rglob("*"):
        path.unlink() if path.is_file() else None  # the archive must carry the tokenizer
    restored = MTEncDecModel.restore_from(tmp_path / "mt.nemo")
    assert restored.translate(SOURCES) == expected
    assert restored.translate(["", "open the door"])[0] == ""


def test_separate_vocabularies_are_trained_per_side_and_travel_in_the_archive(tmp_path):
    torch.manual_seed(0)
    cfg = _config(tmp_path, shared_tokenizer=False)
    cfg.decoder_tokenizer.vocab_size = 80
    model = MTEncDecModel(cfg).eval()
    assert model.encoder_tokenizer is not model.decoder_tokenizer
    assert "ö" not in "".join(model.encoder_tokenizer.ids_to_tokens(range(60)))
    assert any("ö" in t for t in model.decoder_tokenizer.ids_to_tokens(range(60)))
    expected = model.translate(SOURCES, beam_size=1)
    model.save_to(tmp_path / "separate.nemo")
    restored = MTEncDecModel.restore_from(tmp_path / "separate.nemo")
    assert restored.translate(SOURCES, beam_size=1) == expected
    assert restored.decoder_tokenizer.vocab_size != restored.encoder_tokenizer.vocab_size


def test_weights_for_another_vocabulary_are_refused_naming_both_sizes(tmp_path):
    model = MTEncDecModel(_config(tmp_path))
    state = model.state_dict()
    state["encoder._embedding.token_embedding.weight"] = torch.zeros(8 * 20, 32)
    with pytest.raises(ValueError, match=r"vocabulary of \d+ rows .* checkpoint's encoder has 160"):
        model.load_state_dict(state)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"encoder_tokenizer.library": "yttm"}, "YouTokenToMe .* library=sentencepiece"),
        ({"encoder_tokenizer.vocab_size": None}, "encoder_tokenizer.vocab_size is not set"),
        ({"encoder.library": "huggingface"}, "encoder.library='huggingface'"),
        ({"decoder.hidden_size": 48}, r"decoder.hidden_size \(48\) differs"),
        ({"train_ds.use_tarred_dataset": True}, "use_tarred_dataset=true is not supported"),
        (
            {
                "shared_tokenizer": False,
                "share_embeddings": True,
                "decoder_tokenizer.vocab_size": 100,
            },
            "share_embeddings=true needs one vocabulary",
        ),
    ],
)
def test_bad_configs_say_what_to_change(tmp_path, override, message):
    with pytest.raises(ValueError, match=message):
        MTEncDecModel(_config(tmp_path, **override))


def test_translate_refuses_another_language_pair_and_a_bare_string(tmp_path):
    model = MTEncDecModel(_config(tmp_path))
    with pytest.raises(ValueError, match="translates en -> de; source language 'fr'"):
        model.translate(["open the door"], source_lang="fr")
    with pytest.raises(TypeError, match="list of sentences"):
        model.translate("open the door")
