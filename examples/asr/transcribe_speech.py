"""Transcribe audio files with a trained or pretrained model; write a manifest with predictions.

    python examples/asr/transcribe_speech.py model_path=nemo_experiments/x/y/checkpoints/x.nemo \\
        audio_dir=my_wavs/
    python examples/asr/transcribe_speech.py pretrained_name=stt_en_commands_quartznet_small \\
        dataset_manifest=data/speech_commands/test_manifest.json output_filename=preds.json

Every output line is the input's manifest line (or ``{"audio_filepath": ...}``) plus
``pred_text``; ``speech_to_text_eval.py`` scores such a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from _inference import TranscriptionConfig, transcribe_to_manifest

from nemo.core.config import hydra_runner


@dataclass
class Config(TranscriptionConfig):
    output_filename: str | None = None  # default: <input name>_transcribed.json


@hydra_runner(config_name="transcribe", schema=Config)
def main(cfg: Any) -> str:
    output, _ = transcribe_to_manifest(cfg)
    print(f"wrote {output}")
    return str(output)


if __name__ == "__main__":
    main()
