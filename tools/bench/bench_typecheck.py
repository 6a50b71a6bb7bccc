"""``@typecheck()`` per call: a typed module with two inputs against the same module untyped.

Both are called through ``nn.Module.__call__`` with the same tensors; the typed module builds
its ``NeuralType`` declarations in its ``input_types``/``output_types`` properties on every call,
as real modules do, and its inputs carry the ``neural_type`` an upstream typed module attaches.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from _harness import Context, Result

__all__ = ["bench_typecheck", "measure_typecheck"]


def _per_call_seconds(call: Any, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls


def measure_typecheck(quick: bool, scratch: str) -> dict[str, Any]:
    import torch

    torch.set_num_threads(1)
    from nemo.core.classes import NeuralModule, typecheck
    from nemo.core.neural_types import (
        AcousticEncodedRepresentation,
        ChannelType,
        LengthsType,
        NeuralType,
    )

    class Typed(NeuralModule):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.out = torch.zeros(2, 4, 8)

        @property
        def input_types(self) -> dict[str, NeuralType]:
            return {
                "audio_signal": NeuralType(("B", "D", "T"), ChannelType()),
                "length": NeuralType(("B",), LengthsType()),
            }

        @property
        def output_types(self) -> dict[str, NeuralType]:
            return {"encoded": NeuralType(("B", "D", "T"), AcousticEncodedRepresentation())}

        @typecheck()
        def forward(self, audio_signal: torch.Tensor, length: torch.Tensor) -> torch.Tensor:
            return self.out

    class Plain(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.out = torch.zeros(2, 4, 8)

        def forward(self, audio_signal: torch.Tensor, length: torch.Tensor) -> torch.Tensor:
            return self.out

    typed, plain = Typed(), Plain()
    signal, length = torch.zeros(2, 4, 8), torch.tensor([8, 6])
    signal.neural_type = NeuralType(("B", "D", "T"), ChannelType())  # type: ignore[attr-defined]
    length.neural_type = NeuralType(("B",), LengthsType())  # type: ignore[attr-defined]

    def call_typed() -> Any:
        return typed(audio_signal=signal, length=length)

    def call_plain() -> Any:
        return plain(audio_signal=signal, length=length)

    checked = getattr(call_typed(), "neural_type", None) is not None  # the checks really run
    calls = 3000 if quick else 20000
    repeat = 5 if quick else 9

    def overhead() -> tuple[float, float]:
        typed_times, plain_times = [], []
        for _ in range(repeat):
            typed_times.append(_per_call_seconds(call_typed, calls))
            plain_times.append(_per_call_seconds(call_plain, calls))
        plain_median = statistics.median(plain_times)
        return statistics.median(typed_times) - plain_median, plain_median

    _per_call_seconds(call_typed, calls // 10)  # warm caches
    enabled, plain_s = overhead()
    typecheck.set_typecheck_enabled(False)
    disabled, _ = overhead()
    typecheck.set_typecheck_enabled(True)
    unwrapped = "__wrapped__" not in vars(Typed.forward)
    return {
        "enabled_us": enabled * 1e6,
        "disabled_us": disabled * 1e6,
        "plain_us": plain_s * 1e6,
        "unwrapped": unwrapped,
        "checked": checked,
    }


def bench_typecheck(context: Context) -> list[Result]:
    ours = context.worker(context.python, "bench_typecheck:measure_typecheck")
    off = context.worker(
        context.python, "bench_typecheck:measure_typecheck", env={"NEMO_TYPECHECK": "0"}
    )
    peer, peer_detail = context.peer("bench_typecheck:measure_typecheck")
    enabled, disabled = ours["enabled_us"], ours["disabled_us"]
    assert ours["checked"], "the typed call attached no neural_type: the checks did not run"
    zero_when_off = bool(off["unwrapped"])
    return [
        Result(
            "typecheck",
            "`@typecheck()` per call, 2 inputs (types built per call)",
            f"the undecorated call ({ours['plain_us']:.1f} µs)",
            enabled,
            "µs extra",
            "≤ 10 µs; 0 when disabled",
            enabled <= 10.0 and zero_when_off,
            detail=(
                f"disabled at run time: {disabled:.2f} µs (one flag test); NEMO_TYPECHECK=0: "
                + ("0, methods left unwrapped" if zero_when_off else "**still wrapped**")
                + f" ({off['enabled_us']:.2f} µs measured)"
            ),
            peer=None if peer is None else peer["enabled_us"],
            peer_detail=peer_detail
            or ("" if peer is None else f"disabled at run time: {peer['disabled_us']:.2f} µs"),
        )
    ]
