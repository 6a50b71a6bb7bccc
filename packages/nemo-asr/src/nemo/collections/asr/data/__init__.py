"""ASR datasets, samplers and the DataLoader factory models call from their ``setup_*_data``."""

from nemo.collections.asr.data.audio_to_text import (
    AudioToBPEDataset,
    AudioToCharDataset,
    TarredAudioToBPEDataset,
    TarredAudioToCharDataset,
    speech_collate_fn,
)
from nemo.collections.asr.data.audio_to_text_dataset import (
    get_audio_to_text_dataloader,
    get_bpe_dataset,
    get_char_dataset,
    get_tarred_bpe_dataset,
    get_tarred_char_dataset,
    get_tarred_dataset,
)
from nemo.collections.asr.data.samplers import DurationBucketingSampler

__all__ = [
    "AudioToBPEDataset",
    "AudioToCharDataset",
    "DurationBucketingSampler",
    "TarredAudioToBPEDataset",
    "TarredAudioToCharDataset",
    "get_audio_to_text_dataloader",
    "get_bpe_dataset",
    "get_char_dataset",
    "get_tarred_bpe_dataset",
    "get_tarred_char_dataset",
    "get_tarred_dataset",
    "speech_collate_fn",
]
