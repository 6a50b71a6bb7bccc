"""Structured configs of machine translation, with NeMo's class and field names.

NeMo's documented example works as written::

    from nemo.collections.nlp.models.machine_translation.mt_enc_dec_config import AAYNBaseConfig
    cfg = AAYNBaseConfig()
    cfg.encoder.num_layers = 8
    cfg.train_ds.tokens_in_batch = 8192

``register_configs()`` stores ``MTEncDecConfig`` (a whole script config whose model is
``AAYNBaseConfig``) in Hydra's ConfigStore as ``aayn_base_config``, so that
``enc_dec_nmt.py --config-name aayn_base_config`` runs from the dataclass alone; with a YAML the
values come from the dataclass, then the YAML, then the command line.

One deviation: NeMo's default tokenizer library is YouTokenToMe (``yttm``), which does not
build on current Pythons; ours is ``sentencepiece`` with BPE, the same kind of subwords.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING

from nemo.core.config.modelPT import ModelConfig, NemoConfig, OptimConfig, SchedConfig
from nemo.core.config.pytorch_lightning import TrainerConfig
from nemo.utils.exp_manager import ExpManagerConfig

__all__ = [
    "AAYNBaseConfig",
    "MTEncDecConfig",
    "MTEncDecModelConfig",
    "MTOptimConfig",
    "MTSchedConfig",
    "NeMoTransformerConfig",
    "NeMoTransformerEncoderConfig",
    "TokenClassifierConfig",
    "TokenizerConfig",
    "TranslationDataConfig",
    "register_configs",
]


@dataclass
class TokenizerConfig:
    """A tokenizer's files, or how to train one on the training text (``tokenizer_model`` null)."""

    library: str = MISSING  # sentencepiece, or any name `nemo list tokenizers` shows
    tokenizer_model: str | None = None
    vocab_size: int | None = None
    vocab_file: str | None = None
    special_tokens: dict[str, str] | None = None
    bpe_dropout: float | None = 0.0
    coverage: float | None = 0.999
    training_sample_size: int | None = None
    r2l: bool | None = False


@dataclass
class NeMoTransformerConfig:
    """The shape of NeMo's transformer (``library='nemo'``: ours, built from scratch)."""

    hidden_size: int = MISSING
    num_layers: int = MISSING
    inner_size: int = MISSING
    num_attention_heads: int = MISSING
    max_sequence_length: int = 512
    num_token_types: int = 2
    embedding_dropout: float = 0.0
    learn_positional_encodings: bool = False
    ffn_dropout: float = 0.0
    attn_score_dropout: float = 0.0
    attn_layer_dropout: float = 0.0
    hidden_act: str = "relu"
    pre_ln: bool = False
    pre_ln_final_layer_norm: bool = True
    library: str = "nemo"
    model_name: str | None = None
    pretrained: bool = False


@dataclass
class NeMoTransformerEncoderConfig(NeMoTransformerConfig):
    mask_future: bool = False


@dataclass
class TokenClassifierConfig:
    """The output layer over the decoder's states (tied to the decoder's embeddings)."""

    num_layers: int = 1
    activation: str = "relu"
    log_softmax: bool = True
    dropout: float = 0.0
    use_transformer_init: bool = True


@dataclass
class TranslationDataConfig:
    """One split's parallel files and batching. ``too_long`` is ours: ``truncate`` (one
    counted warning) or ``error``; ``clean`` drops long pairs as NeMo does."""

    src_file_name: Any = None
    tgt_file_name: Any = None
    use_tarred_dataset: bool = False
    tar_files: Any = None
    metadata_file: Any = None
    tokens_in_batch: int = 512
    clean: bool = False
    max_seq_length: int = 512
    min_seq_length: int = 1
    too_long: str = "truncate"
    cache_ids: bool = False
    use_cache: bool = False
    shuffle: bool = False
    num_samples: int = -1
    drop_last: bool = False
    pin_memory: bool = False
    num_workers: int = 0
    reverse_lang_direction: bool = False


@dataclass
class MTSchedConfig(SchedConfig):
    name: str = "InverseSquareRootAnnealing"
    warmup_ratio: float | None = None
    warmup_steps: int | None = None


@dataclass
class MTOptimConfig(OptimConfig):
    name: str = "adam"
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.98)
    weight_decay: float = 0.0
    sched: MTSchedConfig | None = field(default_factory=MTSchedConfig)


def _train_split() -> TranslationDataConfig:
    return TranslationDataConfig(
        src_file_name=MISSING, tgt_file_name=MISSING, tokens_in_batch=512, clean=True, shuffle=True
    )


def _eval_split() -> TranslationDataConfig:
    return TranslationDataConfig(tokens_in_batch=512)  # optional: no files, no such split


@dataclass
class MTEncDecModelConfig(ModelConfig):
    """``MTEncDecModel``'s config. ``share_embeddings`` (ours) makes the encoder use the
    decoder's token embeddings (needs the shared tokenizer); the output layer is always
    tied to the decoder's embeddings, as in NeMo."""

    num_val_examples: int = 3
    num_test_examples: int = 3
    max_generation_delta: int = 10
    label_smoothing: float | None = 0.0
    beam_size: int = 4
    len_pen: float = 0.0
    src_language: str = "en"
    tgt_language: str = "en"
    find_unused_parameters: bool | None = True
    shared_tokenizer: bool | None = True
    share_embeddings: bool = False
    preproc_out_dir: str | None = None
    nemo_path: str | None = None  # ours: where the script saves the trained model
    encoder_tokenizer: Any = MISSING
    encoder: Any = MISSING
    decoder_tokenizer: Any = MISSING
    decoder: Any = MISSING
    head: TokenClassifierConfig = field(default_factory=TokenClassifierConfig)
    train_ds: TranslationDataConfig | None = field(default_factory=_train_split)  # type: ignore[assignment]
    validation_ds: TranslationDataConfig | None = field(default_factory=_eval_split)  # type: ignore[assignment]
    test_ds: TranslationDataConfig | None = field(default_factory=_eval_split)  # type: ignore[assignment]
    optim: MTOptimConfig | None = field(default_factory=MTOptimConfig)


def _bpe() -> TokenizerConfig:
    return TokenizerConfig(library="sentencepiece")


@dataclass
class AAYNBaseConfig(MTEncDecModelConfig):
    """The base transformer of "Attention Is All You Need" (6 + 6 layers, 512 wide)."""

    encoder_tokenizer: TokenizerConfig = field(default_factory=_bpe)
    decoder_tokenizer: TokenizerConfig = field(default_factory=_bpe)
    encoder: NeMoTransformerEncoderConfig = field(
        default_factory=lambda: NeMoTransformerEncoderConfig(
            hidden_size=512,
            inner_size=2048,
            num_layers=6,
            num_attention_heads=8,
            ffn_dropout=0.1,
            attn_score_dropout=0.1,
            attn_layer_dropout=0.1,
        )
    )
    # NeMo leaves the decoder's width unset; here it is the encoder's, by interpolation
    decoder: NeMoTransformerConfig = field(
        default_factory=lambda: NeMoTransformerConfig(
            hidden_size="${..encoder.hidden_size}",  # type: ignore[arg-type]
            inner_size=2048,
            num_layers=6,
            num_attention_heads=8,
            ffn_dropout=0.1,
            attn_score_dropout=0.1,
            attn_layer_dropout=0.1,
        )
    )


@dataclass
class MTEncDecConfig(NemoConfig):
    """A whole ``enc_dec_nmt.py`` config: the model, the trainer, the experiment."""

    name: str = "MTEncDec"
    seed: int | None = None
    do_training: bool = True
    do_testing: bool = False
    model: AAYNBaseConfig = field(default_factory=AAYNBaseConfig)
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            logger=False, enable_checkpointing=False, log_every_n_steps=1
        )
    )
    exp_manager: ExpManagerConfig | None = field(
        default_factory=lambda: ExpManagerConfig(name="MTEncDec", files_to_copy=[])
    )


def register_configs() -> None:
    """Store ``MTEncDecConfig`` in Hydra's ConfigStore as ``aayn_base_config``.

    Stored as plain values without the ``hydra`` section (Hydra owns that node); the script's
    schema types and checks the composed config."""
    from hydra.core.config_store import ConfigStore
    from omegaconf import OmegaConf

    node = OmegaConf.to_container(OmegaConf.structured(MTEncDecConfig))
    assert isinstance(node, dict)
    node.pop("hydra", None)
    ConfigStore.instance().store(name="aayn_base_config", node=node, provider="nemo-nlp")
