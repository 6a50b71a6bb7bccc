"""ASR datasets, samplers and the DataLoader factory models call from their ``setup_*_data``.

Names are imported on first use, so tools that only need a submodule (the tar-shard writer, the
manifest reader) start without importing torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nemo.core import lazy_exports

_DATASETS = "nemo.collections.asr.data.audio_to_text"
_FACTORIES = "nemo.collections.asr.data.audio_to_text_dataset"
_EXPORTS: dict[str, str] = {
    "AudioToBPEDataset": _DATASETS,
    "AudioToCharDataset": _DATASETS,
    "TarredAudioToBPEDataset": _DATASETS,
    "TarredAudioToCharDataset": _DATASETS,
    "speech_collate_fn": _DATASETS,
    "get_audio_to_text_dataloader": _FACTORIES,
    "get_bpe_dataset": _FACTORIES,
    "get_char_dataset": _FACTORIES,
    "get_tarred_bpe_dataset": _FACTORIES,
    "get_tarred_char_dataset": _FACTORIES,
    "get_tarred_dataset": _FACTORIES,
    "DurationBucketingSampler": "nemo.collections.asr.data.samplers",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from nemo.collections.asr.data.audio_to_text import AudioToBPEDataset as AudioToBPEDataset
    from nemo.collections.asr.data.audio_to_text import AudioToCharDataset as AudioToCharDataset
    from nemo.collections.asr.data.audio_to_text import (
        TarredAudioToBPEDataset as TarredAudioToBPEDataset,
    )
    from nemo.collections.asr.data.audio_to_text import (
        TarredAudioToCharDataset as TarredAudioToCharDataset,
    )
    from nemo.collections.asr.data.audio_to_text import speech_collate_fn as speech_collate_fn
    from nemo.collections.asr.data.audio_to_text_dataset import (
        get_audio_to_text_dataloader as get_audio_to_text_dataloader,
    )
    from nemo.collections.asr.data.audio_to_text_dataset import get_bpe_dataset as get_bpe_dataset
    from nemo.collections.asr.data.audio_to_text_dataset import (
        get_char_dataset as get_char_dataset,
    )
    from nemo.collections.asr.data.audio_to_text_dataset import (
        get_tarred_bpe_dataset as get_tarred_bpe_dataset,
    )
    from nemo.collections.asr.data.audio_to_text_dataset import (
        get_tarred_char_dataset as get_tarred_char_dataset,
    )
    from nemo.collections.asr.data.audio_to_text_dataset import (
        get_tarred_dataset as get_tarred_dataset,
    )
    from nemo.collections.asr.data.samplers import (
        DurationBucketingSampler as DurationBucketingSampler,
    )
