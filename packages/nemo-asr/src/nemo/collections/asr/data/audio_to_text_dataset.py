"""Datasets and DataLoaders from a model's ``train_ds`` / ``validation_ds`` / ``test_ds`` config.

What a model's ``setup_training_data`` calls::

    loader = get_audio_to_text_dataloader(
        train_ds_config, labels=vocabulary, global_rank=rank, world_size=world_size
    )  # None (with a warning) when manifest_filepath is null

Config keys (NeMo's, plus the extensions marked *):

* data: ``manifest_filepath`` (one path, comma-separated paths or a list), ``sample_rate``,
  ``labels`` (char models), ``max_duration``, ``min_duration``, ``max_utts``, ``int_values``,
  ``trim_silence``, ``normalize_transcripts``, ``parser`` (``en``/``base``), ``blank_index``,
  ``unk_index``, ``use_start_end_token`` (BPE), ``return_sample_id``, ``skip_bad_lines`` *,
  ``check_audio`` * (open every file when the dataset is built: see
  :mod:`...parts.preprocessing.audio_check`), ``augmentor`` (see
  :mod:`...parts.preprocessing.perturb`);
* tarred: ``is_tarred``, ``tarred_audio_filepaths``, ``tarred_shard_strategy`` (``scatter`` /
  ``replicate``), ``shuffle_n`` (default ``4 * batch_size`` when shuffling);
* loader: ``batch_size``, ``shuffle`` (default False: a model sets True for training),
  ``num_workers``, ``pin_memory``, ``drop_last``, ``persistent_workers`` *;
* batching *: ``duration_bucketing: true`` batches utterances of similar duration
  (:class:`DurationBucketingSampler`), ``bucketing_pool`` batches per sorting pool (default 32,
  0 sorts everything), ``bucketing_seed`` (default 0).

Loaders of map-style (manifest) data are :class:`~nemo.utils.resumable_loader.ResumableDataLoader`
s: a run that exp_manager resumes continues inside the interrupted epoch, with the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch.utils.data

from nemo.collections.asr.data.audio_to_text import (
    AudioToBPEDataset,
    AudioToCharDataset,
    TarredAudioToBPEDataset,
    TarredAudioToCharDataset,
)
from nemo.collections.asr.data.samplers import DurationBucketingSampler
from nemo.collections.asr.parts.preprocessing.perturb import AudioAugmentor, process_augmentations
from nemo.utils import logging
from nemo.utils.model_utils import plain_dict
from nemo.utils.resumable_loader import ResumableDataLoader

__all__ = [
    "get_audio_to_text_dataloader",
    "get_bpe_dataset",
    "get_char_dataset",
    "get_tarred_bpe_dataset",
    "get_tarred_char_dataset",
    "get_tarred_dataset",
]

AnyDataset = (
    AudioToCharDataset | AudioToBPEDataset | TarredAudioToCharDataset | TarredAudioToBPEDataset
)


def _plain(config: Any) -> dict[str, Any]:
    """A mutable plain dict of a dataset config (dict or DictConfig)."""
    return plain_dict(config, what="a dataset config (train_ds, validation_ds, test_ds)")


def _required(config: Mapping[str, Any], key: str, what: str) -> Any:
    value = config.get(key)
    if value is None:
        raise ValueError(f"the {what} dataset config needs '{key}' (got keys {sorted(config)})")
    return value


def _common(config: Mapping[str, Any], augmentor: AudioAugmentor | None) -> dict[str, Any]:
    return {
        "sample_rate": _required(config, "sample_rate", "audio"),
        "int_values": config.get("int_values", False),
        "augmentor": augmentor,
        "max_duration": config.get("max_duration"),
        "min_duration": config.get("min_duration"),
        "max_utts": config.get("max_utts", 0),
        "trim": config.get("trim_silence", False),
        "return_sample_id": config.get("return_sample_id", False),
        "skip_bad_lines": config.get("skip_bad_lines", False),
    }


def _char_options(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "labels": _required(config, "labels", "character"),
        "blank_index": config.get("blank_index", -1),
        "unk_index": config.get("unk_index", -1),
        "normalize": config.get("normalize_transcripts", False),
        "parser": config.get("parser", "en"),
    }


def get_char_dataset(config: Any, augmentor: AudioAugmentor | None = None) -> AudioToCharDataset:
    """An :class:`AudioToCharDataset` from a dataset config."""
    config = _plain(config)
    return AudioToCharDataset(
        manifest_filepath=_required(config, "manifest_filepath", "character"),
        check_audio=bool(config.get("check_audio", False)),
        **_char_options(config),
        **_common(config, augmentor),
    )


def get_bpe_dataset(
    config: Any, tokenizer: Any, augmentor: AudioAugmentor | None = None
) -> AudioToBPEDataset:
    """An :class:`AudioToBPEDataset` from a dataset config and a tokenizer."""
    config = _plain(config)
    return AudioToBPEDataset(
        manifest_filepath=_required(config, "manifest_filepath", "BPE"),
        tokenizer=tokenizer,
        use_start_end_token=config.get("use_start_end_token", True),
        check_audio=bool(config.get("check_audio", False)),
        **_common(config, augmentor),
    )


def get_tarred_dataset(
    config: Any,
    shuffle_n: int,
    global_rank: int,
    world_size: int,
    tokenizer: Any = None,
    augmentor: AudioAugmentor | None = None,
) -> TarredAudioToCharDataset | TarredAudioToBPEDataset:
    """A tarred dataset: subword ids with ``tokenizer``, else characters from ``labels``."""
    config = _plain(config)
    shared = {
        "audio_tar_filepaths": _required(config, "tarred_audio_filepaths", "tarred"),
        "manifest_filepath": _required(config, "manifest_filepath", "tarred"),
        "shuffle_n": shuffle_n,
        "shard_strategy": config.get("tarred_shard_strategy", "scatter"),
        "global_rank": global_rank,
        "world_size": world_size,
        **_common(config, augmentor),
    }
    if tokenizer is not None:
        return TarredAudioToBPEDataset(
            tokenizer=tokenizer,
            use_start_end_token=config.get("use_start_end_token", True),
            **shared,
        )
    return TarredAudioToCharDataset(**_char_options(config), **shared)


def get_tarred_char_dataset(
    config: Any,
    shuffle_n: int,
    global_rank: int,
    world_size: int,
    augmentor: AudioAugmentor | None = None,
) -> TarredAudioToCharDataset:
    dataset = get_tarred_dataset(config, shuffle_n, global_rank, world_size, None, augmentor)
    assert isinstance(dataset, TarredAudioToCharDataset)
    return dataset


def get_tarred_bpe_dataset(
    config: Any,
    tokenizer: Any,
    shuffle_n: int,
    global_rank: int,
    world_size: int,
    augmentor: AudioAugmentor | None = None,
) -> TarredAudioToBPEDataset:
    if tokenizer is None:
        raise ValueError(
            "a tarred BPE dataset needs a tokenizer: pass the model's (EncDecCTCModelBPE's "
            "tokenizer), or use get_tarred_char_dataset for character labels"
        )
    dataset = get_tarred_dataset(config, shuffle_n, global_rank, world_size, tokenizer, augmentor)
    assert isinstance(dataset, TarredAudioToBPEDataset)
    return dataset


def _has_null_data(config: Mapping[str, Any], is_tarred: bool) -> bool:
    """Whether the config sets its data paths to null: no loader, as in NeMo (a missing key is
    an error, raised where the dataset is built)."""
    keys = ("manifest_filepath", "tarred_audio_filepaths") if is_tarred else ("manifest_filepath",)
    for key in keys:
        if key in config and config[key] is None:
            logging.warning(f"no dataset: '{key}' is null in the dataset config {config}")
            return True
    return False


def get_audio_to_text_dataloader(
    config: Any,
    labels: Sequence[str] | None = None,
    tokenizer: Any = None,
    global_rank: int = 0,
    world_size: int = 1,
) -> torch.utils.data.DataLoader[Any] | None:
    """The DataLoader a dataset config describes (see the module docstring), or None.

    ``labels`` (char models; overrides ``config.labels``) or ``tokenizer`` (BPE models) choose
    the dataset kind. ``global_rank``/``world_size`` shard tarred data and duration-bucketed
    batches; otherwise distributed sampling is left to Lightning, as in NeMo.
    """
    config = _plain(config)
    is_tarred = bool(config.get("is_tarred", False))
    if _has_null_data(config, is_tarred):
        return None
    if config.get("use_dali"):
        raise ValueError("use_dali: true is not supported; remove it from the dataset config")
    if labels is not None:
        config["labels"] = list(labels)
    augmentor = process_augmentations(config.get("augmentor"))
    batch_size = int(_required(config, "batch_size", "loader"))
    shuffle = bool(config.get("shuffle", False))
    drop_last = bool(config.get("drop_last", False))
    num_workers = int(config.get("num_workers") or 0)
    sampler: torch.utils.data.Sampler[int] | None = None
    dataset: AnyDataset
    if is_tarred:
        shuffle_n = int(config.get("shuffle_n", 4 * batch_size)) if shuffle else 0
        dataset = get_tarred_dataset(
            config, shuffle_n, global_rank, world_size, tokenizer, augmentor
        )
        shuffle = False  # the shuffle buffer shuffles; an iterable dataset takes no sampler
    else:
        dataset = (
            get_bpe_dataset(config, tokenizer, augmentor)
            if tokenizer is not None
            else get_char_dataset(config, augmentor)
        )
        if config.get("duration_bucketing", False):
            sampler = DurationBucketingSampler(
                dataset.durations,
                batch_size,
                shuffle=shuffle,
                drop_last=drop_last,
                pool_batches=int(config.get("bucketing_pool", 32)),
                num_replicas=max(world_size, 1),
                rank=global_rank,
                seed=int(config.get("bucketing_seed", 0)),
            )
            shuffle = False  # the sampler shuffles
    options: dict[str, Any] = {
        "batch_size": batch_size,
        "collate_fn": dataset.collate_fn,
        "drop_last": drop_last,
        "num_workers": num_workers,
        "pin_memory": bool(config.get("pin_memory", False)),
        "persistent_workers": bool(config.get("persistent_workers", False)) and num_workers > 0,
    }
    if is_tarred:
        return torch.utils.data.DataLoader(dataset, **options)
    # Map-style data resumes mid-epoch: a restarted run skips the batches already trained on.
    return ResumableDataLoader(dataset, shuffle=shuffle, sampler=sampler, **options)
