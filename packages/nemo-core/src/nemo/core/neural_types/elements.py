"""Element types: the "meaning" half of a neural type.

Each class's docstring is what ``str()`` of an instance prints, so it describes the values.
Plugins define their own element types by subclassing :class:`ElementType` (or a more specific
type, to be accepted wherever that type is): subclassing is what makes a type "more specific"
in :meth:`ElementType.compare`. A type with parameters overrides
:attr:`~ElementType.type_parameters`; a type whose values have named parts overrides
:attr:`~ElementType.fields`.
"""

from __future__ import annotations

from abc import ABC
from typing import Any

from nemo.core.neural_types.comparison import NeuralTypeComparisonResult

__all__ = [
    "AcousticEncodedRepresentation",
    "AudioSignal",
    "BoolType",
    "CategoricalValuesType",
    "ChannelType",
    "ClassificationTarget",
    "ElementType",
    "EmbeddedTextType",
    "EncodedRepresentation",
    "FloatType",
    "HypothesisType",
    "ImageFeatureValue",
    "ImageValue",
    "Index",
    "IntType",
    "LabelsType",
    "Length",
    "LengthsType",
    "LogDeterminantType",
    "LogitsType",
    "LogprobsType",
    "LossType",
    "MFCCSpectrogramType",
    "MaskType",
    "MelSpectrogramType",
    "NormalDistributionLogVarianceType",
    "NormalDistributionMeanType",
    "NormalDistributionSamplesType",
    "NormalizedImageValue",
    "PredictionsType",
    "ProbabilityDistributionSamplesType",
    "ProbsType",
    "RegressionValuesType",
    "SequenceToSequenceAlignmentType",
    "SpectrogramType",
    "StringLabel",
    "StringType",
    "Target",
    "TokenDurationType",
    "TokenIndex",
    "TokenLogDurationType",
    "VideoSignal",
    "VoidType",
]

_Result = NeuralTypeComparisonResult


class ElementType(ABC):  # noqa: B024 - abstract by intent, yet every hook has a default
    """What the values of a tensor mean; subclass it to define a new meaning."""

    def __str__(self) -> str:
        # The docstring's first paragraph: NeMo printed the whole docstring, Args included.
        return (type(self).__doc__ or type(self).__name__).strip().split("\n\n")[0]

    def __repr__(self) -> str:
        return type(self).__name__

    @property
    def type_parameters(self) -> dict[str, Any]:
        """Parameters that two values of this class must agree on; ``None`` matches any value."""
        return {}

    @property
    def fields(self) -> Any:
        """Named parts of a structured value; two values of the same class must have equal ones."""
        return None

    def compare(self, second: ElementType) -> NeuralTypeComparisonResult:
        """How ``second`` relates to ``self``, the expected element type."""
        _require_element_type(second)
        first_class, second_class = type(self), type(second)
        if first_class is second_class:
            mine, theirs = self.type_parameters, second.type_parameters
            if mine.keys() != theirs.keys():
                return _Result.SAME_TYPE_INCOMPATIBLE_PARAMS
            for key, value in mine.items():
                other = theirs[key]
                if value is not None and other is not None and value != other:
                    return _Result.SAME_TYPE_INCOMPATIBLE_PARAMS
            return _Result.SAME if self.fields == second.fields else _Result.INCOMPATIBLE
        if issubclass(first_class, second_class):
            return _Result.LESS
        if issubclass(second_class, first_class):
            return _Result.GREATER
        return _Result.INCOMPATIBLE


def _require_element_type(second: object) -> None:
    if not isinstance(second, ElementType):
        raise TypeError(
            f"an element type can only be compared with an ElementType instance, got "
            f"{second!r}; wrap it, e.g. AudioSignal() rather than AudioSignal"
        )


class VoidType(ElementType):
    """No particular meaning: as an expected type it accepts values of any element type."""

    def compare(self, second: ElementType) -> NeuralTypeComparisonResult:
        _require_element_type(second)
        return _Result.SAME


class ChannelType(ElementType):
    """Values along a channel (feature) axis, as produced by convolutions."""


class EmbeddedTextType(ChannelType):
    """Text turned into embedding vectors."""


class EncodedRepresentation(ChannelType):
    """A learned encoding, such as an encoder's output."""


class AcousticEncodedRepresentation(EncodedRepresentation):
    """An acoustic encoder's encoding of audio."""


class SpectrogramType(ChannelType):
    """A spectrogram of any kind."""


class MelSpectrogramType(SpectrogramType):
    """A mel-scale spectrogram."""


class MFCCSpectrogramType(SpectrogramType):
    """Mel-frequency cepstral coefficients."""


class LogitsType(ElementType):
    """Unnormalised scores (logits)."""


class ProbsType(ElementType):
    """Probabilities, such as a softmax output."""


class LogprobsType(ElementType):
    """Log-probabilities, such as a log-softmax output."""


class LabelsType(ElementType):
    """Labels: class ids or token ids of a transcript."""


class HypothesisType(LabelsType):
    """Decoded hypotheses, such as greedy CTC output."""


class PredictionsType(LabelsType):
    """A model's predictions."""


class RegressionValuesType(PredictionsType):
    """Predicted real values of a regression."""


class CategoricalValuesType(PredictionsType):
    """Predicted scores over categories."""


class MaskType(PredictionsType):
    """A boolean mask."""


class LengthsType(ElementType):
    """Lengths, such as the valid length of each sequence in a batch."""


class LossType(ElementType):
    """A loss value."""


def _positive_rate(type_name: str, parameter: str, unit: str, value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise ValueError(
            f"{type_name} {parameter} must be a positive int ({unit}) or None (any rate), "
            f"got {value!r}"
        )
    return value


class AudioSignal(ElementType):
    """An audio waveform.

    Args:
        freq: sampling frequency in Hz; ``None`` accepts audio of any sampling rate.
    """

    def __init__(self, freq: int | None = None) -> None:
        self._freq = _positive_rate("AudioSignal", "freq", "Hz", freq)

    @property
    def type_parameters(self) -> dict[str, Any]:
        return {"freq": self._freq}


class VideoSignal(ElementType):
    """A video: a sequence of frames.

    Args:
        fps: frames per second; ``None`` accepts video of any frame rate.
    """

    def __init__(self, fps: int | None = None) -> None:
        self._fps = _positive_rate("VideoSignal", "fps", "frames per second", fps)

    @property
    def type_parameters(self) -> dict[str, Any]:
        return {"fps": self._fps}


class Index(ElementType):
    """The index of a sample."""


class Target(ElementType):
    """A target value."""


class ClassificationTarget(Target):
    """The target class of a classification."""


class ImageValue(ElementType):
    """The value of one image channel."""


class NormalizedImageValue(ImageValue):
    """The value of one image channel, scaled to [0, 1]."""


class ImageFeatureValue(ImageValue):
    """One value of an image feature map."""


class StringType(ElementType):
    """A string."""


class StringLabel(StringType):
    """A class name given as a string."""


class BoolType(ElementType):
    """A boolean."""


class IntType(ElementType):
    """An integer."""


class TokenIndex(IntType):
    """A token's index in a vocabulary."""


class Length(IntType):
    """A length given as an integer, such as a sentence's length."""


class FloatType(ElementType):
    """A float."""


class ProbabilityDistributionSamplesType(ElementType):
    """Samples drawn from a probability distribution."""


class NormalDistributionSamplesType(ProbabilityDistributionSamplesType):
    """Samples drawn from a normal distribution."""


class SequenceToSequenceAlignmentType(ElementType):
    """Alignment weights between a decoder's and an encoder's steps (seq-to-seq attention)."""


class NormalDistributionMeanType(ElementType):
    """The mean of a normal distribution."""


class NormalDistributionLogVarianceType(ElementType):
    """The log-variance of a normal distribution."""


class TokenDurationType(ElementType):
    """How long each token lasts."""


class TokenLogDurationType(ElementType):
    """The logarithm of how long each token lasts."""


class LogDeterminantType(ElementType):
    """The log-determinant of a matrix, such as a flow's Jacobian."""
