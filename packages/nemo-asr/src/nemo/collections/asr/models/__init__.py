"""Speech recognition models, at the class paths NeMo's configs and archives name."""

from nemo.collections.asr.models.asr_model import ASRModel
from nemo.collections.asr.models.ctc_bpe_models import EncDecCTCModelBPE
from nemo.collections.asr.models.ctc_models import EncDecCTCModel

__all__ = ["ASRModel", "EncDecCTCModel", "EncDecCTCModelBPE"]
