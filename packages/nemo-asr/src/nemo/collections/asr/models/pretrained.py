"""The pretrained checkpoints of nemo-asr's models, as typed data beside the model classes.

Light on purpose: the plugin reads this table at discovery, so it imports nothing but the entry
type (the classes are lazy references, imported by ``from_pretrained``).
"""

from __future__ import annotations

from nemo.core.plugins import PretrainedEntry

__all__ = ["PRETRAINED"]

_CTC = "nemo.collections.asr.models.ctc_models:EncDecCTCModel"
_CTC_BPE = "nemo.collections.asr.models.ctc_bpe_models:EncDecCTCModelBPE"
_NGC = "https://api.ngc.nvidia.com/v2/models/nvidia/nemo"

# NeMo's public checkpoints: name, model class, description (all at one NGC path pattern).
_NGC_CHECKPOINTS: tuple[tuple[str, str, str], ...] = (
    ("stt_en_quartznet15x5", _CTC, "QuartzNet 15x5, English (LibriSpeech, Common Voice, ...)"),
    ("stt_zh_quartznet15x5", _CTC, "QuartzNet 15x5, Mandarin (AISHELL-2)"),
    ("stt_en_jasper10x5dr", _CTC, "Jasper 10x5 with dense residuals, English"),
    ("stt_ca_quartznet15x5", _CTC, "QuartzNet 15x5, Catalan (Mozilla Common Voice)"),
    ("stt_it_quartznet15x5", _CTC, "QuartzNet 15x5, Italian (Mozilla Common Voice)"),
    ("stt_fr_quartznet15x5", _CTC, "QuartzNet 15x5, French (Mozilla Common Voice)"),
    ("stt_es_quartznet15x5", _CTC, "QuartzNet 15x5, Spanish (Mozilla Common Voice)"),
    ("stt_de_quartznet15x5", _CTC, "QuartzNet 15x5, German (Mozilla Common Voice)"),
    ("stt_pl_quartznet15x5", _CTC, "QuartzNet 15x5, Polish (Mozilla Common Voice)"),
    ("stt_ru_quartznet15x5", _CTC, "QuartzNet 15x5, Russian (Mozilla Common Voice)"),
    ("stt_zh_citrinet_512", _CTC, "Citrinet 512, Mandarin characters (AISHELL-2)"),
    ("asr_talknet_aligner", _CTC, "QuartzNet aligner for TalkNet, English (LJSpeech)"),
    ("stt_en_citrinet_256", _CTC_BPE, "Citrinet 256, English subwords"),
    ("stt_en_citrinet_512", _CTC_BPE, "Citrinet 512, English subwords"),
    ("stt_en_citrinet_1024", _CTC_BPE, "Citrinet 1024, English subwords"),
    ("stt_es_citrinet_512", _CTC_BPE, "Citrinet 512, Spanish subwords"),
    ("stt_en_conformer_ctc_small", _CTC_BPE, "Conformer-CTC small, English subwords"),
    ("stt_en_conformer_ctc_medium", _CTC_BPE, "Conformer-CTC medium, English subwords"),
    ("stt_en_conformer_ctc_large", _CTC_BPE, "Conformer-CTC large, English subwords"),
    ("stt_en_conformer_ctc_small_ls", _CTC_BPE, "Conformer-CTC small, English (LibriSpeech)"),
    ("stt_en_conformer_ctc_medium_ls", _CTC_BPE, "Conformer-CTC medium, English (LibriSpeech)"),
    ("stt_en_conformer_ctc_large_ls", _CTC_BPE, "Conformer-CTC large, English (LibriSpeech)"),
)

PRETRAINED: tuple[PretrainedEntry, ...] = (
    PretrainedEntry(
        "stt_en_commands_quartznet_small",
        class_=_CTC,
        location="package://nemo.collections.asr/pretrained/stt_en_commands_quartznet_small.nemo",
        sha256="00c85d455ce535dc6bfc45f59236d56fc5923acf1a268d146eaf8c88a0c338a8",
        size=2007040,
        description="QuartzNet (469k parameters) for the bundled spoken-command corpus, English: "
        "espeak-ng and festival voices, trained with simulated rooms and channels",
    ),
    PretrainedEntry(
        "QuartzNet15x5Base-En",
        class_=_CTC,
        location=f"{_NGC}/nemospeechmodels/versions/1.0.0a5/files/QuartzNet15x5Base-En.nemo",
        description="QuartzNet 15x5, English (LibriSpeech, Mozilla Common Voice, WSJ, Fisher, "
        "Switchboard)",
    ),
    *(
        PretrainedEntry(
            name,
            class_=class_,
            location=f"{_NGC}/{name}/versions/1.0.0rc1/files/{name}.nemo",
            description=description,
        )
        for name, class_, description in _NGC_CHECKPOINTS
    ),
)
