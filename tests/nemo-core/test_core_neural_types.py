"""Neural-type comparisons: NeMo's semantics, the quirks we fixed, and plugin-defined types."""

from __future__ import annotations

import pytest

from nemo.core.neural_types import (
    AcousticEncodedRepresentation,
    AudioSignal,
    AxisKind,
    AxisKindAbstract,
    AxisType,
    ChannelType,
    ElementType,
    EncodedRepresentation,
    LengthsType,
    MelSpectrogramType,
    MFCCSpectrogramType,
    NeuralPortNmTensorMismatchError,
    NeuralType,
    NeuralTypeComparisonResult,
    SpectrogramType,
    VoidType,
)

R = NeuralTypeComparisonResult


def both_ways(a: NeuralType, b: NeuralType) -> tuple[R, R]:
    return a.compare(b), b.compare(a)


def test_short_and_long_axis_labels_are_the_same_type() -> None:
    short = NeuralType(("B", "T", "C"), ChannelType())
    long = NeuralType(
        (AxisType(AxisKind.Batch), AxisType(AxisKind.Time), AxisType(AxisKind.Channel)),
        ChannelType(),
    )
    assert both_ways(short, long) == (R.SAME, R.SAME)
    assert NeuralType(("batch", "time", "d"), ChannelType()) == short


def test_element_parameters_must_agree_and_none_is_a_wildcard() -> None:
    a16 = NeuralType(("B", "T"), AudioSignal(16000))
    a8 = NeuralType(("B", "T"), AudioSignal(8000))
    any_rate = NeuralType(("B", "T"), AudioSignal())
    assert both_ways(a16, a8) == (R.SAME_TYPE_INCOMPATIBLE_PARAMS,) * 2
    assert both_ways(a16, NeuralType(("B", "T"), AudioSignal(16000))) == (R.SAME, R.SAME)
    assert both_ways(any_rate, a16) == (R.SAME, R.SAME)


def test_transposed_axes() -> None:
    btc = NeuralType(("B", "T", "C"), ChannelType())
    tbc = NeuralType(("T", "B", "C"), ChannelType())
    assert both_ways(btc, tbc) == (R.TRANSPOSE_SAME,) * 2
    audio_bt = NeuralType(("B", "T"), AudioSignal())
    audio_tb = NeuralType(("T", "B"), AudioSignal())
    assert both_ways(audio_bt, audio_tb) == (R.TRANSPOSE_SAME,) * 2
    # transposed *and* a different element type is simply incompatible
    assert btc.compare(NeuralType(("T", "B", "C"), LengthsType())) is R.INCOMPATIBLE


def test_sized_axes_transposed_with_other_sizes_are_dim_incompatible() -> None:
    a = NeuralType((AxisType("B"), AxisType("D", 64)), ChannelType())
    b = NeuralType((AxisType("D", 80), AxisType("B")), ChannelType())
    assert a.compare(b) is R.DIM_INCOMPATIBLE
    assert a.compare(NeuralType((AxisType("B"), AxisType("D", 64)), ChannelType())) is R.SAME
    # an unsized expected axis accepts any size
    assert (
        NeuralType(("B", "D"), ChannelType()).compare(
            NeuralType((AxisType("B"), AxisType("D", 64)), ChannelType())
        )
        is R.SAME
    )


def test_subclasses_are_less_or_greater() -> None:
    spec = NeuralType(("B", "D", "T"), SpectrogramType())
    mel = NeuralType(("B", "D", "T"), MelSpectrogramType())
    mfcc = NeuralType(("B", "D", "T"), MFCCSpectrogramType())
    assert both_ways(mel, mfcc) == (R.INCOMPATIBLE, R.INCOMPATIBLE)
    assert spec.compare(mel) is R.GREATER
    assert spec.compare(mfcc) is R.GREATER
    assert mel.compare(spec) is R.LESS
    assert mfcc.compare(spec) is R.LESS
    enc = NeuralType(("B", "D", "T"), EncodedRepresentation())
    acoustic = NeuralType(("B", "D", "T"), AcousticEncodedRepresentation())
    assert enc.compare(acoustic) is R.GREATER


def test_void_types() -> None:
    void_btc = NeuralType(("B", "T", "C"), VoidType())
    spec_btc = NeuralType(("B", "T", "C"), SpectrogramType())
    assert void_btc.compare(spec_btc) is R.SAME
    assert spec_btc.compare(void_btc) is R.INCOMPATIBLE
    assert void_btc.compare(NeuralType(("B", "T"), SpectrogramType())) is R.INCOMPATIBLE
    for big_void in (NeuralType(), NeuralType(elements_type=VoidType())):
        assert big_void.compare(spec_btc) is R.SAME
        assert big_void.compare(NeuralType(("B",), LengthsType())) is R.SAME
    assert both_ways(NeuralType(axes=None), NeuralType(axes=None)) == (R.SAME, R.SAME)
    # no axes, typed elements: needs no axes on the other side too
    untyped_axes = NeuralType(None, ChannelType())
    assert untyped_axes.compare(NeuralType(None, ChannelType())) is R.SAME
    assert untyped_axes.compare(spec_btc) is R.INCOMPATIBLE


def test_any_axes() -> None:
    void_any = NeuralType(("B", "Any", "Any"), VoidType())
    spec_any = NeuralType(("B", "Any", "Any"), SpectrogramType())
    spec_btc = NeuralType(("B", "T", "C"), SpectrogramType())
    assert void_any.compare(spec_btc) is R.SAME
    assert spec_any.compare(spec_btc) is R.SAME
    assert spec_btc.compare(spec_any) is R.INCOMPATIBLE
    assert spec_any.compare(void_any) is R.INCOMPATIBLE


def test_a_trailing_any_axis_does_not_mask_an_earlier_mismatch() -> None:
    # NeMo quirk fixed: an `Any` axis reset NeMo's "same" flag, so this compared SAME there.
    expected = NeuralType(("B", "T", "Any"), ChannelType())
    received = NeuralType(("T", "B", "C"), ChannelType())
    assert expected.compare(received) is R.INCOMPATIBLE


def test_equality_is_a_real_boolean() -> None:
    # NeMo quirk fixed: __eq__ returned an Enum member, always truthy.
    a = NeuralType(("B", "T"), AudioSignal())
    b = NeuralType(("B", "T"), LengthsType())
    assert (a == b) is False
    assert (a == NeuralType(("B", "T"), AudioSignal())) is True
    assert (a != b) is True
    # superclass/subclass is not equality: == is symmetric
    spec = NeuralType(("B", "D", "T"), SpectrogramType())
    mel = NeuralType(("B", "D", "T"), MelSpectrogramType())
    assert spec != mel and mel != spec
    assert len({a, NeuralType(("B", "T"), AudioSignal())}) == 1


def test_plugin_defined_axis_kinds_and_element_types() -> None:
    class MyAxes(AxisKindAbstract):
        Frame = 0

    class MyElements(ElementType):
        """Values of a plugin's own kind."""

    class MyOtherElements(ElementType):
        """Another plugin kind."""

    class MyFinerElements(MyElements):
        """A more specific kind."""

    mine = NeuralType((AxisType(MyAxes.Frame), AxisType(AxisKind.Batch)), MyElements())
    assert (
        mine.compare(
            NeuralType((AxisType(MyAxes.Frame), AxisType(AxisKind.Batch)), MyOtherElements())
        )
        is R.INCOMPATIBLE
    )
    assert (
        mine.compare(
            NeuralType((AxisType(MyAxes.Frame), AxisType(AxisKind.Batch)), MyFinerElements())
        )
        is R.GREATER
    )
    assert mine.compare(NeuralType(("T", "B"), MyElements())) is R.INCOMPATIBLE
    assert str(MyElements()) == "Values of a plugin's own kind."


def test_element_types_with_fields_must_have_equal_fields() -> None:
    class Pair(ElementType):
        def __init__(self, names: tuple[str, ...]) -> None:
            self._names = names

        @property
        def fields(self) -> tuple[str, ...]:
            return self._names

    assert NeuralType(None, Pair(("a", "b"))).compare(NeuralType(None, Pair(("a", "b")))) is R.SAME
    assert (
        NeuralType(None, Pair(("a", "b"))).compare(NeuralType(None, Pair(("a", "c"))))
        is R.INCOMPATIBLE
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((("B", "T"), AudioSignal), "instantiate it: AudioSignal()"),
        ((("B", AxisType("T")), AudioSignal()), "mix labels"),
        ((("B", "X"), AudioSignal()), "unknown axis label 'X'"),
        (("BT", AudioSignal()), "tuple of labels"),
        (((AxisType("B"), AxisType("T", is_list=True)), ChannelType()), "list axes must come"),
    ],
)
def test_invalid_neural_types_explain_themselves(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NeuralType(*args)  # type: ignore[arg-type]


def test_axis_type_rules() -> None:
    with pytest.raises(ValueError, match="list axis cannot have a fixed size"):
        AxisType(AxisKind.Time, size=3, is_list=True)
    assert repr(AxisType("T", 5)) == "time:5"
    assert repr(AxisType("B", is_list=True)) == "batch_listdim"
    assert AxisKind.from_str(" N ") is AxisKind.Batch
    assert AxisKind.Channel is AxisKind.Dimension


def test_compare_and_raise_error_names_port_and_types() -> None:
    expected = NeuralType(("B", "T"), AudioSignal(16000))
    expected.compare_and_raise_error("Pre", "input_signal", NeuralType(("B", "T"), AudioSignal()))
    with pytest.raises(NeuralPortNmTensorMismatchError) as info:
        expected.compare_and_raise_error(
            "Pre", "input_signal", NeuralType(("B", "T"), AudioSignal(8000))
        )
    text = str(info.value)
    assert "input_signal" in text and "freq=16000" in text and "freq=8000" in text
    assert "SAME_TYPE_INCOMPATIBLE_PARAMS" in text


def test_comparison_results_are_nemos_numbering() -> None:
    assert [m.value for m in R] == list(range(9))
    assert R.TRANSPOSE_SAME.value == 4 and R.UNCHECKED.value == 8


def test_importing_neural_types_does_not_import_torch(python) -> None:  # type: ignore[no-untyped-def]
    result = python(
        "-c",
        "import sys, nemo.core.neural_types, nemo.core.classes; "
        "from nemo.core.classes import typecheck; "
        "assert 'torch' not in sys.modules, 'torch imported'",
    )
    assert result.returncode == 0, result.stderr


# NeMo 3.0's element types and each one's base class, read from its `elements.py` (every class
# there is exported). Code written against NeMo imports these names from nemo.core.neural_types.
_NEMO3_ELEMENT_TYPES = {
    "VoidType": "ElementType", "ChannelType": "ElementType", "EmbeddedTextType": "ChannelType",
    "LogitsType": "ElementType", "ProbsType": "ElementType", "LogprobsType": "ElementType",
    "LabelsType": "ElementType", "HypothesisType": "LabelsType", "LengthsType": "ElementType",
    "LossType": "ElementType", "EncodedRepresentation": "ChannelType",
    "AcousticEncodedRepresentation": "EncodedRepresentation", "AudioSignal": "ElementType",
    "VideoSignal": "ElementType", "SpectrogramType": "ChannelType",
    "MelSpectrogramType": "SpectrogramType", "MFCCSpectrogramType": "SpectrogramType",
    "PredictionsType": "LabelsType", "RegressionValuesType": "PredictionsType",
    "CategoricalValuesType": "PredictionsType", "MaskType": "PredictionsType",
    "Index": "ElementType", "Target": "ElementType", "ClassificationTarget": "Target",
    "ImageValue": "ElementType", "NormalizedImageValue": "ImageValue",
    "ImageFeatureValue": "ImageValue", "StringType": "ElementType", "StringLabel": "StringType",
    "BoolType": "ElementType", "IntType": "ElementType", "FloatType": "ElementType",
    "TokenIndex": "IntType", "Length": "IntType",
    "ProbabilityDistributionSamplesType": "ElementType",
    "NormalDistributionSamplesType": "ProbabilityDistributionSamplesType",
    "SequenceToSequenceAlignmentType": "ElementType", "NormalDistributionMeanType": "ElementType",
    "NormalDistributionLogVarianceType": "ElementType", "TokenDurationType": "ElementType",
    "TokenLogDurationType": "ElementType", "LogDeterminantType": "ElementType",
}  # fmt: skip


def test_every_nemo3_element_type_exists_with_its_base_class() -> None:
    from nemo.core import neural_types
    from nemo.core.neural_types import elements

    ours = {
        name
        for name in elements.__all__
        if isinstance(getattr(elements, name), type) and name != "ElementType"
    }
    assert ours == set(_NEMO3_ELEMENT_TYPES)
    for name, base in _NEMO3_ELEMENT_TYPES.items():
        cls = getattr(neural_types, name)
        assert cls.__bases__ == (getattr(neural_types, base),), name


def test_probabilities_are_not_log_probabilities() -> None:
    from nemo.core.neural_types import LogprobsType, ProbsType

    probs = NeuralType(("B", "T", "D"), ProbsType())
    assert probs.compare(NeuralType(("B", "T", "D"), ProbsType())) == R.SAME
    assert probs.compare(NeuralType(("B", "T", "D"), LogprobsType())) == R.INCOMPATIBLE


def test_video_signals_must_agree_on_the_frame_rate() -> None:
    from nemo.core.neural_types import VideoSignal

    v25 = NeuralType(("B", "T", "C", "H", "W"), VideoSignal(25))
    assert v25.compare(NeuralType(("B", "T", "C", "H", "W"), VideoSignal(25))) == R.SAME
    assert v25.compare(NeuralType(("B", "T", "C", "H", "W"), VideoSignal(30))) == (
        R.SAME_TYPE_INCOMPATIBLE_PARAMS
    )
    assert NeuralType(("B", "T", "C", "H", "W"), VideoSignal()).compare(v25) == R.SAME
    with pytest.raises(ValueError, match="VideoSignal fps must be a positive int"):
        VideoSignal(0)
