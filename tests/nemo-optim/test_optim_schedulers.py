"""NeMo's learning-rate schedulers: NeMo 3.0's numbers, the reference's formulas, our decisions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from torch.optim.lr_scheduler import LRScheduler

from nemo.core.optim.lr_scheduler import AVAILABLE_SCHEDULERS, get_scheduler

FIXTURE = json.loads((Path(__file__).parent / "data" / "nemo3_schedulers_public.json").read_text())
REL = 1e-9


def _optimizer(*lrs: float) -> torch.optim.Optimizer:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    return torch.optim.SGD(groups, lr=lrs[0])


def _lrs(optimizer: torch.optim.Optimizer, scheduler: LRScheduler, steps: int) -> list[float]:
    """The fixture's procedure: read the lr, step the optimizer, step the scheduler."""
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def _run(name: str, lr: float, steps: int, **kwargs: object) -> list[float]:
    optimizer = _optimizer(lr)
    return _lrs(optimizer, AVAILABLE_SCHEDULERS[name](optimizer, **kwargs), steps)


def _close(actual: list[float], expected: list[float], rel: float = REL) -> bool:
    return len(actual) == len(expected) and all(
        math.isclose(a, e, rel_tol=rel, abs_tol=1e-15)
        for a, e in zip(actual, expected, strict=True)
    )


@pytest.mark.parametrize(
    "case", FIXTURE["cases"], ids=[f"{c['scheduler']}-{c['case']}" for c in FIXTURE["cases"]]
)
def test_sequences_equal_nemo3(case):
    kwargs = case["kwargs"]
    steps = kwargs["max_steps"] + 4 if "max_steps" in kwargs else 16
    optimizer = _optimizer(case["lr0"])
    if "error" in case:
        error_type, _, message = case["error"].partition(": ")
        expected_type = {"ValueError": ValueError, "TypeError": TypeError}[error_type]
        assert case["error_at"] == "construct"
        with pytest.raises(expected_type) as caught:
            AVAILABLE_SCHEDULERS[case["scheduler"]](optimizer, **kwargs)
        assert message in str(caught.value)
        return
    scheduler = AVAILABLE_SCHEDULERS[case["scheduler"]](optimizer, **kwargs)
    lrs = _lrs(optimizer, scheduler, steps)
    assert _close(lrs, case["lrs"]), (lrs, case["lrs"])
    last = optimizer.param_groups[0]["lr"]
    assert math.isclose(last, case["last_lr_after_final_step"], rel_tol=REL)


def test_every_nemo3_scheduler_is_registered():
    assert set(FIXTURE["available_schedulers"]) <= set(AVAILABLE_SCHEDULERS)
    for name in FIXTURE["nemo_specific_schedulers"]:
        assert AVAILABLE_SCHEDULERS[name].__module__.startswith("nemo.optim.")
    for name in ("StepLR", "ExponentialLR", "ReduceLROnPlateau", "CyclicLR", "OneCycleLR"):
        assert AVAILABLE_SCHEDULERS[name] is getattr(torch.optim.lr_scheduler, name)


# The reference's table *(derived; b=0.1, m=1e-3, M=10)*, rows the public fixture lacks.
def test_polynomial_decay_power_2():
    lrs = _run("PolynomialDecayAnnealing", 0.1, 12, max_steps=10, min_lr=1e-3, power=2.0)
    expected = [0.1, 0.08119, 0.06436, 0.04951, 0.03664, 0.02575]
    expected += [0.01684, 0.00991, 0.00496, 0.00199, 0.001, 0.001]
    assert _close(lrs, expected, rel=1e-12)


def test_polynomial_hold_decay_with_hold():
    lrs = _run(
        "PolynomialHoldDecayAnnealing",
        0.1,
        12,
        max_steps=10,
        min_lr=1e-3,
        power=2.0,
        warmup_steps=5,
        hold_steps=3,
    )
    warmup = [0.1 * (s + 1) / 6 for s in range(5)]
    assert _close(lrs, [*warmup, 0.1, 0.1, 0.1, 0.1, 0.02575, 0.001, 0.001], rel=1e-12)
    # NeMo's own acceptance check: <= b during warm-up, == b through the hold, < b after.
    assert all(lr <= 0.1 for lr in lrs[:5])
    assert all(lr == pytest.approx(0.1) for lr in lrs[5:9])
    assert lrs[9] < 0.1


def test_noam_with_small_model_dimension():
    lrs = _run("NoamAnnealing", 0.1, 7, d_model=16, warmup_steps=5, max_steps=20)
    expected = [0.0022361, 0.0022361, 0.0044721, 0.0067082, 0.0089443, 0.01118, 0.010206]
    assert _close(lrs, expected, rel=5e-5)


def test_warmup_and_hold_ratios_are_fractions_of_max_steps():
    lrs = _run("WarmupHoldPolicy", 1.0, 22, warmup_ratio=0.2, hold_ratio=0.25, max_steps=20)
    # warm-up int(0.2*20)=4 steps, then held; the hold ends at int(0.25*20)+4 = 9
    assert _close(lrs[:5], [1 / 5, 2 / 5, 3 / 5, 4 / 5, 1.0])
    assert lrs[5:21] == [1.0] * 16
    assert lrs[21] == 0.0  # past max_steps: min_lr
    scheduler = AVAILABLE_SCHEDULERS["WarmupHoldPolicy"](
        _optimizer(1.0), warmup_ratio=0.2, hold_ratio=0.25, max_steps=20
    )
    assert (scheduler.warmup_steps, scheduler.hold_steps) == (4, 9)


def test_noam_hold_decays_from_the_end_of_the_hold():
    lrs = _run(
        "NoamHoldAnnealing", 0.1, 13, warmup_steps=2, hold_steps=3, max_steps=10, min_lr=1e-4
    )
    assert _close(lrs[:5], [0.1 / 3, 0.2 / 3, 0.1, 0.1, 0.1])
    # after the hold: b * W^0.5 / (s - hold)^0.5, hold = 3 steps (not warm-up + hold)
    assert _close(lrs[5:11], [0.1 * 2**0.5 / max(1, s - 3) ** 0.5 for s in range(5, 11)])
    assert lrs[11:] == [1e-4, 1e-4]


def test_hold_then_linear_anneal():
    lrs = _run(
        "WarmupHoldAnnealLinear", 0.1, 12, warmup_steps=2, hold_steps=2, max_steps=10, min_lr=0.0
    )
    assert _close(lrs[:5], [0.1 / 3, 0.2 / 3, 0.1, 0.1, 0.1])
    # from the end of the hold (step 4) to max_steps: linear to min_lr
    assert _close(lrs[5:11], [0.1 * (1 - (s - 4) / 6) for s in range(5, 11)])


def test_hold_then_one_minus_square_root_anneal():
    lrs = _run(
        "WarmupHoldAnnealOneMinusSquareRoot",
        0.1,
        12,
        warmup_steps=2,
        hold_steps=2,
        max_steps=10,
        min_lr=1e-3,
    )
    expected = [max(0.1 * (1 - math.sqrt((s - 4) / 6)), 1e-3) for s in range(5, 11)]
    assert _close(lrs[5:11], expected)


def test_cosine_with_constant_steps_follows_megatron():
    base, floor, warmup, constant, total = 0.1, 1e-3, 2, 3, 10
    lrs = _run(
        "CosineAnnealing",
        base,
        13,
        warmup_steps=warmup,
        constant_steps=constant,
        max_steps=total,
        min_lr=floor,
    )
    decay = total - warmup - constant

    def megatron(step: int) -> float:
        if step <= warmup:
            return base * step / warmup  # warm-up from 0, unlike the other schedulers
        if step > warmup + decay:
            return floor
        ratio = (step - warmup) / decay
        return floor + 0.5 * (math.cos(math.pi * ratio) + 1.0) * (base - floor)

    assert _close(lrs, [megatron(s) for s in range(13)])
    assert lrs[0] == 0.0 and lrs[8:] == [floor] * 5


def test_t5_inverse_square_root_ignores_the_optimizer_lr():
    lrs = _run("T5InverseSquareRootAnnealing", 0.3, 14, constant_steps=4, max_steps=10)
    assert _close(lrs, [0.5] * 5 + [1 / s**0.5 for s in range(5, 11)] + [0.0] * 3)


def test_square_root_constant_policy_resolves_a_ratio():
    # NeMo computed the constant from the constant_steps argument even when only
    # constant_ratio was given (a TypeError); the resolved step count is used here.
    lrs = _run("SquareRootConstantPolicy", 0.3, 6, constant_ratio=0.4, max_steps=10)
    assert _close(lrs, [0.5] * 5 + [0.3])


def test_t5_inverse_square_root_takes_a_constant_ratio():
    # NeMo 3.0 raises a TypeError for this documented option (1 / None**0.5)
    lrs = _run("T5InverseSquareRootAnnealing", 0.3, 8, constant_ratio=0.4, max_steps=10)
    assert _close(lrs, [0.5] * 5 + [1 / s**0.5 for s in range(5, 8)])


def test_warmup_hold_policy_without_max_steps_holds_forever():
    # NeMo 3.0 raises a TypeError at step 4 (warm-up 3 steps): see WarmupHoldPolicy's docstring
    lrs = _run("WarmupHoldPolicy", 0.1, 200, warmup_steps=3, hold_steps=2)
    assert _close(lrs[:4], [0.025, 0.05, 0.075, 0.1]) and lrs[4:] == [0.1] * 196
    with pytest.raises(ValueError, match="hold_ratio"):
        _run("WarmupHoldPolicy", 0.1, 1, hold_ratio=0.5)


def test_polynomial_cycle_extends_the_horizon():
    lrs = _run("PolynomialDecayAnnealing", 1.0, 10, max_steps=4, cycle=True, min_lr=0.0)
    # within the horizon: 1 - s/4; past max_steps every policy returns min_lr
    assert _close(lrs[:5], [1.0, 0.75, 0.5, 0.25, 0.0])
    assert lrs[5:] == [0.0] * 5


# -- decisions on NeMo's quirks (reference appendix), each following NeMo 3.0 -------------------


def test_quirk_1_warmup_annealing_ends_at_min_lr():
    lrs = _run("WarmupAnnealing", 0.1, 12, max_steps=10, min_lr=1e-3)
    assert lrs[10] == pytest.approx(1e-3, rel=REL)  # NeMo 1.0 reached 0 here


def test_quirk_2_square_root_annealing_is_not_offset_by_warmup():
    plain = _run("SquareRootAnnealing", 0.1, 11, max_steps=10, min_lr=1e-3)
    warm = _run("SquareRootAnnealing", 0.1, 11, max_steps=10, min_lr=1e-3, warmup_steps=5)
    assert warm[6:] == plain[6:]  # a jump from 0.1 at the end of the warm-up


def test_quirk_3_polynomial_hold_without_hold_collapses_after_warmup():
    lrs = _run("PolynomialHoldDecayAnnealing", 0.1, 12, max_steps=10, min_lr=1e-3, warmup_steps=5)
    assert lrs[5] == pytest.approx(0.1) and lrs[6:] == [1e-3] * 6


def test_quirk_4_noam_without_warmup_and_past_max_steps():
    lrs = _run("NoamAnnealing", 1.0, 30, d_model=4, max_steps=10)
    assert _close(lrs[1:], [0.5 * s**-0.5 for s in range(1, 30)])  # no cut at max_steps


def test_every_group_anneals_from_its_own_rate():
    # NeMo 3.0 annealed every group from the first group's rate in WarmupAnnealing and the
    # Megatron cosine (a bug: the groups' rates become equal); each keeps its own here.
    for name, kwargs in [
        ("WarmupAnnealing", {}),
        ("CosineAnnealing", {"constant_steps": 2, "warmup_steps": 1}),
        ("CosineAnnealing", {}),
    ]:
        optimizer = _optimizer(0.1, 0.01)
        scheduler = AVAILABLE_SCHEDULERS[name](optimizer, max_steps=10, **kwargs)
        for _ in range(4):
            optimizer.step()
            scheduler.step()
        first, second = (group["lr"] for group in optimizer.param_groups)
        assert first == pytest.approx(10 * second, rel=1e-12), name


def test_warmup_policy_runs_without_max_steps():
    # NeMo compared the step with max_steps=None (a TypeError) once past the warm-up; a policy
    # that does not anneal needs no horizon, so it stays at the base rate. Before that point
    # the rates are NeMo's.
    lrs = _run("WarmupPolicy", 0.1, 8, warmup_steps=3)
    assert _close(lrs, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1, 0.1, 0.1])


# -- bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("CosineAnnealing", {}, "needs max_steps"),
        ("WarmupPolicy", {"warmup_steps": 2, "warmup_ratio": 0.1, "max_steps": 10}, "not both"),
        ("WarmupPolicy", {"warmup_ratio": 0.1}, "max_steps, which is not set"),
        ("WarmupHoldPolicy", {"hold_ratio": 0.1}, "hold_ratio"),
        ("SquareRootConstantPolicy", {}, "constant_steps > 0"),
        ("NoamAnnealing", {"d_model": 0}, "d_model > 0"),
        ("NoamHoldAnnealing", {"max_steps": 10}, "without warmup steps"),
    ],
)
def test_contradicting_or_missing_arguments_are_reported(name, kwargs, message):
    # NeMo raised AssertionError, TypeError or ValueError for these: ours is all three.
    with pytest.raises((AssertionError, TypeError, ValueError), match=message) as caught:
        AVAILABLE_SCHEDULERS[name](_optimizer(0.1), **kwargs)
    assert isinstance(caught.value, AssertionError | TypeError | ValueError)


@pytest.mark.parametrize("name", ["CosineAnnealing", "NoamAnnealing"])
def test_initial_rate_below_min_lr_is_refused(name):
    kwargs = {"d_model": 16} if name == "NoamAnnealing" else {}
    with pytest.raises(ValueError, match="below min_lr"):
        AVAILABLE_SCHEDULERS[name](_optimizer(1e-4), max_steps=10, min_lr=1e-3, **kwargs)


def test_unknown_scheduler_argument_names_the_params_dataclass():
    with pytest.raises(TypeError, match=r"'warmup_step'.*CosineAnnealingParams") as caught:
        get_scheduler("CosineAnnealing", warmup_step=3, max_steps=10)
    assert "warmup_steps" in str(caught.value)  # the valid names are listed
