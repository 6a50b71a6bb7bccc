"""Speech recognition models, at the class paths NeMo's configs and archives name.

The classes are imported on first use, so that the plugin can read :mod:`.pretrained` (and
``import nemo.collections.asr.models`` stays cheap) without importing torch.
"""

from __future__ import annotations

from nemo.core import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from nemo.collections.asr.models.asr_model import ASRModel as ASRModel
    from nemo.collections.asr.models.ctc_bpe_models import EncDecCTCModelBPE as EncDecCTCModelBPE
    from nemo.collections.asr.models.ctc_models import EncDecCTCModel as EncDecCTCModel

_EXPORTS = {
    "ASRModel": "nemo.collections.asr.models.asr_model",
    "EncDecCTCModelBPE": "nemo.collections.asr.models.ctc_bpe_models",
    "EncDecCTCModel": "nemo.collections.asr.models.ctc_models",
}

__all__ = ["ASRModel", "EncDecCTCModel", "EncDecCTCModelBPE"]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
