"""@typecheck(): keyword-only calls, input/output checks, containers, overrides and switches."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import torch

from nemo.core.classes import NeuralModule, Typing, is_typecheck_enabled, typecheck
from nemo.core.neural_types import (
    AudioSignal,
    ChannelType,
    ElementType,
    LengthsType,
    LogitsType,
    MelSpectrogramType,
    NeuralType,
    SpectrogramType,
)

AUDIO = NeuralType(("B", "T"), AudioSignal())
LENGTHS = NeuralType(("B",), LengthsType())
LOGITS = NeuralType(("B", "T"), LogitsType())


class AddOne(Typing):
    @property
    def input_types(self):  # type: ignore[no-untyped-def]
        return {"x": NeuralType(("B",), ElementType())}

    @property
    def output_types(self):  # type: ignore[no-untyped-def]
        return {"y": NeuralType(("B",), ElementType())}

    @typecheck()
    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return x + 1


class Untyped(Typing):
    @typecheck()
    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return x + 1


class Encoder(NeuralModule):
    """Two inputs, two outputs, mode-dependent: typical of NeMo's modules."""

    @property
    def input_types(self):  # type: ignore[no-untyped-def]
        return {
            "audio": AUDIO,
            "length": NeuralType(("B",), LengthsType(), optional=True),
        }

    @property
    def output_types(self):  # type: ignore[no-untyped-def]
        return {"logits": LOGITS, "length": LENGTHS}

    @typecheck()
    def forward(self, audio: torch.Tensor, length: torch.Tensor | None = None):  # type: ignore[no-untyped-def]
        if length is None:
            length = torch.full((audio.shape[0],), audio.shape[1])
        return audio * 2, length


@pytest.fixture(autouse=True)
def _checks_on() -> Iterator[None]:
    typecheck.set_typecheck_enabled(True)
    typecheck.set_semantic_checks_enabled(True)
    yield
    typecheck.set_typecheck_enabled(True)
    typecheck.set_semantic_checks_enabled(True)


def test_no_types_pass_through_without_neural_type() -> None:
    out = Untyped()(torch.zeros(3))
    assert float(out.sum()) == 3.0
    assert not hasattr(out, "neural_type")
    out = Untyped()(x=torch.zeros(3))  # keyword or positional: no types, no rules
    assert float(out.sum()) == 3.0


def test_outputs_get_their_declared_type() -> None:
    x = torch.zeros(10)
    y = AddOne()(x=x)
    assert float(y.sum()) == 10.0
    assert y.neural_type.compare(NeuralType(("B",), ElementType())).name == "SAME"


def test_positional_arguments_are_refused_with_the_fix() -> None:
    with pytest.raises(TypeError, match=r"keyword arguments only.*__call__\(x=\.\.\.\)"):
        AddOne()(torch.zeros(3))


def test_unknown_and_missing_arguments() -> None:
    enc = Encoder()
    with pytest.raises(TypeError, match="'signal' is not declared.*audio, length"):
        enc(signal=torch.zeros(2, 5))
    with pytest.raises(TypeError, match="missing mandatory argument.*'audio'"):
        enc(length=torch.tensor([5, 5]))


def test_optional_inputs_may_be_left_out() -> None:
    logits, length = Encoder()(audio=torch.ones(2, 5))
    assert length.tolist() == [5, 5]
    assert logits.neural_type == LOGITS and length.neural_type == LENGTHS


def test_rank_mismatch_on_input_names_argument_and_shapes() -> None:
    with pytest.raises(TypeError) as info:
        Encoder()(audio=torch.zeros(2, 5, 3))
    message = str(info.value)
    assert "'audio'" in message and "rank 2" in message and "(2, 5, 3)" in message


def test_rank_mismatch_on_output() -> None:
    class Bad(Typing):
        @property
        def output_types(self):  # type: ignore[no-untyped-def]
            return {"y": NeuralType(("B", "T"), ChannelType())}

        @typecheck()
        def __call__(self, x: torch.Tensor) -> torch.Tensor:
            return x

    with pytest.raises(TypeError, match="output 'y'.*rank 2.*rank 1"):
        Bad()(torch.zeros(3))  # output types only: positional allowed


def test_semantic_mismatch_names_argument_types_and_result() -> None:
    audio = torch.zeros(2, 5)
    audio.neural_type = NeuralType(("B", "T"), LengthsType())  # type: ignore[attr-defined]
    with pytest.raises(TypeError) as info:
        Encoder()(audio=audio)
    message = str(info.value)
    for part in ("Encoder.forward", "input 'audio'", "AudioSignal", "LengthsType", "INCOMPATIBLE"):
        assert part in message


def test_chained_modules_check_compatibility() -> None:
    class Features(NeuralModule):
        @property
        def output_types(self):  # type: ignore[no-untyped-def]
            return {"spec": NeuralType(("B", "D", "T"), MelSpectrogramType())}

        @typecheck()
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x.unsqueeze(1).repeat(1, 4, 1)

    class Consumer(NeuralModule):
        def __init__(self, accepted: ElementType) -> None:
            super().__init__()
            self.accepted = accepted

        @property
        def input_types(self):  # type: ignore[no-untyped-def]
            return {"spec": NeuralType(("B", "D", "T"), self.accepted)}

        @typecheck()
        def forward(self, spec: torch.Tensor) -> torch.Tensor:
            return spec.sum()

    spec = Features()(torch.ones(2, 3))
    assert float(Consumer(SpectrogramType())(spec=spec)) == 24.0  # more general: GREATER
    narrower = type("NarrowMel", (MelSpectrogramType,), {})()
    with pytest.raises(TypeError, match="LESS"):
        Consumer(narrower)(spec=spec)  # more specific than what it receives


def test_too_many_outputs() -> None:
    class Two(Typing):
        @property
        def output_types(self):  # type: ignore[no-untyped-def]
            return {"a": LENGTHS}

        @typecheck()
        def __call__(self) -> tuple[torch.Tensor, torch.Tensor]:
            return torch.zeros(1), torch.zeros(1)

    with pytest.raises(TypeError, match="returned 2 value"):
        Two()()


def test_trailing_optional_outputs_may_be_left_out() -> None:
    class Maybe(Typing):
        @property
        def output_types(self):  # type: ignore[no-untyped-def]
            return {"a": LENGTHS, "b": NeuralType(("B",), LengthsType(), optional=True)}

        @typecheck()
        def __call__(self) -> torch.Tensor:
            return torch.zeros(1)

    assert Maybe()().neural_type == LENGTHS


def test_nested_inputs_and_outputs() -> None:
    class Nested(Typing):
        @property
        def input_types(self):  # type: ignore[no-untyped-def]
            return {"xs": [[NeuralType(("B",), ElementType())]]}

        @property
        def output_types(self):  # type: ignore[no-untyped-def]
            return {"ys": [[NeuralType(("B",), ElementType())]]}

        @typecheck()
        def __call__(self, xs):  # type: ignore[no-untyped-def]
            return [[x + 1 for x in row] for row in xs]

    out = Nested()(xs=[[torch.zeros(2), torch.zeros(2)], [torch.zeros(2)]])
    assert len(out) == 2 and all(hasattr(t, "neural_type") for row in out for t in row)
    with pytest.raises(TypeError, match=r"'xs'\[0\] is nested 1 level"):
        Nested()(xs=[torch.zeros(2)])
    with pytest.raises(TypeError, match=r"rank 1"):
        Nested()(xs=[[torch.zeros(2, 2)]])

    class Loose(Nested):
        @typecheck(ignore_collections=True)
        def __call__(self, xs):  # type: ignore[no-untyped-def]
            return [[x + 1 for x in xs]]

    assert len(Loose()(xs=[torch.zeros(2)])[0]) == 1


def test_single_container_output_as_bare_list_or_one_tuple() -> None:
    class Many(Typing):
        def __init__(self, wrap: bool) -> None:
            self.wrap = wrap

        @property
        def output_types(self):  # type: ignore[no-untyped-def]
            return {"ys": [NeuralType(("B",), ElementType())]}

        @typecheck()
        def __call__(self):  # type: ignore[no-untyped-def]
            items = [torch.zeros(2) for _ in range(3)]
            return (items,) if self.wrap else items

    bare = Many(wrap=False)()
    assert len(bare) == 3 and all(hasattr(t, "neural_type") for t in bare)
    wrapped = Many(wrap=True)()
    assert len(wrapped) == 1 and all(hasattr(t, "neural_type") for t in wrapped[0])


def test_mode_dependent_types_are_read_at_call_time() -> None:
    class Mode(NeuralModule):
        @property
        def output_types(self):  # type: ignore[no-untyped-def]
            element = LogitsType() if self.training else LengthsType()
            return {"y": NeuralType(("B",), element)}

        @typecheck()
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x - 1

    module = Mode()
    assert isinstance(module(torch.ones(2)).neural_type.elements_type, LogitsType)
    module.eval()
    out = module(torch.full((4,), 10.0))
    assert isinstance(out.neural_type.elements_type, LengthsType)
    assert out.tolist() == [9.0] * 4


def test_decorator_overrides_class_types_for_one_method() -> None:
    class Two(AddOne):
        @typecheck(
            input_types={"a": NeuralType(("B", "T"), ChannelType())},
            output_types={"b": NeuralType(("B", "T"), ChannelType())},
        )
        def other(self, a: torch.Tensor) -> torch.Tensor:
            return a

    out = Two().other(a=torch.zeros(2, 2))
    assert out.neural_type == NeuralType(("B", "T"), ChannelType())
    with pytest.raises(TypeError, match="'x' is not declared"):
        Two().other(x=torch.zeros(2, 2))


def test_non_typing_class_and_missing_parentheses() -> None:
    class Plain:
        @typecheck()
        def __call__(self, x: torch.Tensor) -> torch.Tensor:
            return x

    with pytest.raises(RuntimeError, match="Typing subclass"):
        Plain()(x=torch.zeros(1))
    with pytest.raises(TypeError, match="without parentheses"):
        typecheck(lambda self: None)  # type: ignore[arg-type]


def test_disable_checks_context_restores_previous_state() -> None:
    with typecheck.disable_checks():
        assert not is_typecheck_enabled()
        out = AddOne()(torch.zeros(2))  # positional passes
        assert not hasattr(out, "neural_type")
        with typecheck.disable_checks():
            pass
        assert not is_typecheck_enabled()  # NeMo re-enabled here; we restore
    assert is_typecheck_enabled()
    typecheck.set_typecheck_enabled(False)
    try:
        assert AddOne()(torch.zeros(1)).tolist() == [1.0]
    finally:
        typecheck.set_typecheck_enabled(True)
    with pytest.raises(TypeError):
        AddOne()(torch.zeros(1))


def test_rank_only_mode_skips_semantic_checks() -> None:
    audio = torch.zeros(2, 5)
    audio.neural_type = NeuralType(("B", "T"), LengthsType())  # type: ignore[attr-defined]
    with typecheck.disable_semantic_checks():
        logits, _ = Encoder()(audio=audio)  # the wrong element type passes
        assert logits.neural_type == LOGITS
        with pytest.raises(TypeError, match="rank"):
            Encoder()(audio=torch.zeros(2))  # ranks are still checked
    with pytest.raises(TypeError, match="INCOMPATIBLE"):
        Encoder()(audio=audio)


def _run(code: str, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEMO_TYPECHECK": mode}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )


_ENV_PROBE = """
import torch
from nemo.core.classes import Typing, typecheck
from nemo.core.neural_types import NeuralType, ChannelType, LengthsType
class M(Typing):
    @property
    def input_types(self):
        return {"x": NeuralType(("B", "T"), ChannelType())}
    @typecheck()
    def f(self, x):
        return x
x = torch.zeros(2, 3)
x.neural_type = NeuralType(("B", "T"), LengthsType())
for call in (lambda: M().f(x), lambda: M().f(x=x), lambda: M().f(x=torch.zeros(2))):
    try:
        call(); print("ok")
    except TypeError:
        print("error")
print("unwrapped" if M.f.__name__ == "f" and not hasattr(M.f, "__wrapped__") else "wrapped")
"""


def test_environment_switch() -> None:
    off = _run(_ENV_PROBE, "0")
    assert off.returncode == 0, off.stderr
    assert off.stdout.split() == ["ok", "ok", "ok", "unwrapped"]
    rank = _run(_ENV_PROBE, "rank")
    assert rank.stdout.split() == ["error", "ok", "error", "wrapped"]
    full = _run(_ENV_PROBE, "1")
    assert full.stdout.split() == ["error", "error", "error", "wrapped"]
    bad = _run(_ENV_PROBE, "maybe")
    assert bad.returncode != 0 and "NEMO_TYPECHECK='maybe' is not understood" in bad.stderr
