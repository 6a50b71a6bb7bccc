"""Word error rate of a model on a manifest (or of a manifest that already has predictions).

    python examples/asr/speech_to_text_eval.py pretrained_name=stt_en_commands_quartznet_small \\
        dataset_manifest=data/speech_commands/test_manifest.json
    python examples/asr/speech_to_text_eval.py dataset_manifest=preds.json only_score_manifest=true

Prints the WER (or CER with ``use_cer=true``) and the real-time factor of transcription;
``tolerance`` makes the script fail (exit 1) when the error rate is above it, for CI.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from _inference import TranscriptionConfig, score_manifest, transcribe_to_manifest

from nemo.core.config import hydra_runner


@dataclass
class Config(TranscriptionConfig):
    output_filename: str | None = None
    only_score_manifest: bool = False  # the manifest already has pred_text: just score it
    use_cer: bool = False
    tolerance: float | None = None


@hydra_runner(config_name="eval", schema=Config)
def main(cfg: Any) -> float:
    rtf = None
    manifest = cfg.dataset_manifest
    if not cfg.only_score_manifest:
        manifest, rtf = transcribe_to_manifest(cfg)
    error_rate, count = score_manifest(manifest, use_cer=cfg.use_cer)
    metric = "CER" if cfg.use_cer else "WER"
    line = f"{metric} {error_rate:.2%} on {count} utterances"
    if rtf is not None:
        line += f"; real-time factor {rtf:.4f}"
    print(line)
    if cfg.tolerance is not None and error_rate > cfg.tolerance:
        print(f"{metric} {error_rate:.4f} is above tolerance {cfg.tolerance}", file=sys.stderr)
        sys.exit(1)
    return error_rate


if __name__ == "__main__":
    main()
