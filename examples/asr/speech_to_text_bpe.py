"""Train a subword (sentencepiece BPE) CTC model from a Hydra config.

    python tools/process_asr_text_tokenizer.py \\
        --manifest data/speech_commands/train_manifest.json \\
        --data_root tokenizers/commands --vocab_size 64
    python examples/asr/speech_to_text_bpe.py \\
        model.tokenizer.dir=tokenizers/commands/tokenizer_spe_bpe_v64

The tokenizer model is stored inside the ``.nemo`` archive, so the trained model needs nothing
else to transcribe.
"""

from __future__ import annotations

from typing import Any

from nemo.collections.asr.models import EncDecCTCModelBPE
from nemo.core.config import hydra_runner
from nemo.utils.training import train_and_test


@hydra_runner(config_path="conf", config_name="quartznet_small_bpe")
def main(cfg: Any) -> None:
    train_and_test(EncDecCTCModelBPE, cfg)


if __name__ == "__main__":
    main()
