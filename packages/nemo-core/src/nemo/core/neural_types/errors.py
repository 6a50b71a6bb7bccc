"""Errors about neural types, and the one wording every type-mismatch message uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nemo.core.neural_types.comparison import NeuralTypeComparisonResult

__all__ = [
    "NeuralPortNameMismatchError",
    "NeuralPortNmTensorMismatchError",
    "NeuralTypeError",
    "describe_mismatch",
    "describe_neural_type",
]


class NeuralTypeError(Exception):
    """Base of the errors raised when neural types do not fit together."""


class NeuralPortNameMismatchError(NeuralTypeError):
    """A value was given for a port that the module does not declare."""

    def __init__(self, input_port_name: str) -> None:
        super().__init__(
            f"no port named {input_port_name!r} is declared; check the spelling against the "
            "module's input_types"
        )
        self.input_port_name = input_port_name


class NeuralPortNmTensorMismatchError(NeuralTypeError):
    """A value's neural type is not accepted by the port it was given to."""

    def __init__(
        self,
        class_name: str,
        port_name: str,
        first_type: object,  # NeuralTypes; described, never inspected, so no import of them
        second_type: object,
        type_comatibility: NeuralTypeComparisonResult,  # (sic) NeMo's keyword name
    ) -> None:
        super().__init__(
            f"{class_name}, port {port_name!r}: "
            f"{describe_mismatch(first_type, second_type, type_comatibility)}"
        )
        self.class_name = class_name
        self.port_name = port_name
        self.first_type = first_type
        self.second_type = second_type
        self.type_comatibility = type_comatibility


def describe_neural_type(neural_type: object) -> str:
    """``repr`` plus the element type's parameters, which ``repr`` leaves out.

    Without them a SAME_TYPE_INCOMPATIBLE_PARAMS message would read "AudioSignal vs AudioSignal".
    """
    text = repr(neural_type)
    params = getattr(getattr(neural_type, "elements_type", None), "type_parameters", None)
    if params:
        rendered = ", ".join(f"{key}={value!r}" for key, value in params.items())
        text = f"{text} with {rendered}"
    return text


def describe_mismatch(
    expected: object, received: object, result: NeuralTypeComparisonResult
) -> str:
    """The sentence that every type-mismatch error message contains."""
    return (
        f"expected {describe_neural_type(expected)}, received {describe_neural_type(received)} "
        f"(comparison result: {result.name}; only SAME or GREATER are accepted)"
    )
