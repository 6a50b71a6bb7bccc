"""Novograd, Adafactor and Adan against their update equations."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from nemo.optim.adafactor import Adafactor
from nemo.optim.adan import Adan
from nemo.optim.novograd import Novograd

Tensors = list[torch.Tensor]


def _weights_and_gradients(
    seed: int, shapes: list[tuple[int, ...]], *, steps: int, shrinking: bool = False
) -> tuple[Tensors, list[Tensors]]:
    """Random float64 start weights and ``steps`` gradients per weight (divided by the step
    number when ``shrinking``)."""
    generator = torch.Generator().manual_seed(seed)
    start = [torch.randn(s, generator=generator, dtype=torch.float64) for s in shapes]
    grads = [
        [
            torch.randn(s, generator=generator, dtype=torch.float64) / (k + 1 if shrinking else 1)
            for s in shapes
        ]
        for k in range(steps)
    ]
    return start, grads


def _train(
    optimizer_class: type[torch.optim.Optimizer],
    start: Tensors,
    grads: list[Tensors],
    options: dict[str, object],
) -> Tensors:
    """The weights after one step per entry of ``grads``; each step must leave p.grad as it was
    set (both optimizers depart from their reference implementations there)."""
    params = [torch.nn.Parameter(w.clone()) for w in start]
    optimizer = optimizer_class(params, **options)
    for step_grads in grads:
        for p, g in zip(params, step_grads, strict=True):
            p.grad = g.clone()
        optimizer.step()
        for p, g in zip(params, step_grads, strict=True):
            assert torch.equal(p.grad, g)
    return [p.detach() for p in params]


def test_novograd_matches_the_hand_computed_example():
    # reference section 4 (derived): scalar w=1, g=2 every step, lr 0.1, defaults
    w = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
    optimizer = Novograd([w], lr=0.1)
    seen = []
    for _ in range(3):
        w.grad = torch.tensor([2.0], dtype=torch.float64)
        optimizer.step()
        seen.append(w.item())
    assert seen == pytest.approx([0.9, 0.705, 0.41975], rel=1e-7)


def _reference_novograd(weights, grads, *, lr, betas, eps, weight_decay, grad_averaging, amsgrad,
                        luc, luc_trust=1e-3, luc_eps=1e-8):  # fmt: skip
    """The reference's equations, written out with Python floats per tensor."""
    beta1, beta2 = betas
    weights = [w.clone() for w in weights]
    m = [torch.zeros_like(w) for w in weights]
    v = [0.0 for _ in weights]
    v_max = [0.0 for _ in weights]
    for step_grads in grads:
        for i, (w, g) in enumerate(zip(weights, step_grads, strict=True)):
            n = float((g * g).sum())
            v[i] = n if v[i] == 0 else beta2 * v[i] + (1 - beta2) * n
            if amsgrad:
                v_max[i] = max(v_max[i], v[i])
                denom = math.sqrt(v_max[i]) + eps
            else:
                denom = math.sqrt(v[i]) + eps
            g_hat = g / denom
            if weight_decay:
                g_hat = g_hat + weight_decay * w
            if grad_averaging:
                g_hat = (1 - beta1) * g_hat
            m[i] = beta1 * m[i] + g_hat
            if luc:
                factor = min(luc_trust * float(w.norm()) / (float(m[i].norm()) + luc_eps), lr)
            else:
                factor = lr
            weights[i] = w - factor * m[i]
    return weights


@pytest.mark.parametrize(
    ("weight_decay", "grad_averaging", "amsgrad", "luc"),
    list(itertools.product([0.0, 0.01], [False, True], [False, True], [False, True])),
)
def test_novograd_follows_the_update_equations(weight_decay, grad_averaging, amsgrad, luc):
    # shrinking gradient norms make the amsgrad maximum differ from the running average
    start, grads = _weights_and_gradients(7, [(3, 4), (5,)], steps=6, shrinking=True)
    options = {
        "lr": 0.05,
        "betas": (0.9, 0.7),
        "eps": 1e-8,
        "weight_decay": weight_decay,
        "grad_averaging": grad_averaging,
        "amsgrad": amsgrad,
        "luc": luc,
        "luc_trust": 0.02,
    }
    weights = _train(Novograd, start, grads, options)  # decision: p.grad is left as it was
    expected = _reference_novograd(start, grads, **options)
    for ours, reference in zip(weights, expected, strict=True):
        torch.testing.assert_close(ours, reference, rtol=1e-12, atol=1e-14)


def test_novograd_state_has_nemos_keys_and_round_trips():
    p = torch.nn.Parameter(torch.ones(3))
    optimizer = Novograd([p], lr=0.1, amsgrad=True)
    p.grad = torch.ones(3)
    optimizer.step()
    state = optimizer.state_dict()["state"][0]
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert state["step"] == 1 and state["exp_avg_sq"].shape == torch.Size([])
    clone = Novograd([torch.nn.Parameter(torch.ones(3))], lr=0.1, amsgrad=True)
    clone.load_state_dict(optimizer.state_dict())
    assert clone.state_dict()["state"][0]["exp_avg_sq"] == state["exp_avg_sq"]


def test_novograd_moments_are_float64_for_float64_parameters():
    # decision (module docstring): NeMo rounds them to float32, ~1e-7 relative off after a step
    p = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
    optimizer = Novograd([p], lr=0.1, amsgrad=True)
    p.grad = torch.full((3,), 1.0 + 1e-12, dtype=torch.float64)
    optimizer.step()
    state = optimizer.state[p]
    assert state["exp_avg_sq"].dtype == state["max_exp_avg_sq"].dtype == torch.float64
    assert state["exp_avg_sq"].item() == pytest.approx(3 * (1.0 + 1e-12) ** 2, rel=1e-15)


def test_novograd_float16_parameters_keep_float32_moments_and_train_past_65504():
    # NeMo's fp16 norm**2 overflows to inf here: the update is 0 and the weight never moves
    p = torch.nn.Parameter(torch.ones(100, dtype=torch.float16))
    optimizer = Novograd([p], lr=0.1)
    p.grad = torch.full((100,), 30.0, dtype=torch.float16)  # norm 300, squared 90000
    optimizer.step()
    assert optimizer.state[p]["exp_avg_sq"].dtype == torch.float32
    assert optimizer.state[p]["exp_avg_sq"].item() == 90000.0
    torch.testing.assert_close(p.detach(), torch.full((100,), 0.99, dtype=torch.float16))
    # torch's load_state_dict would round them to float16 (90000 -> inf): they keep their width
    clone = torch.nn.Parameter(p.detach().clone())
    restored = Novograd([clone], lr=0.1)
    restored.load_state_dict(optimizer.state_dict())
    clone.grad = p.grad.clone()
    restored.step()
    assert restored.state[clone]["exp_avg_sq"].dtype == torch.float32
    assert restored.state[clone]["exp_avg_sq"].item() == 90000.0


def test_novograd_closure_and_params_without_gradient():
    used, unused = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    optimizer = Novograd([used, unused], lr=0.1)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = (used**2).sum()
        loss.backward()
        return loss

    assert optimizer.step(closure).item() == 2.0
    assert torch.equal(unused.detach(), torch.ones(2)) and not torch.equal(used, torch.ones(2))


@pytest.mark.parametrize(
    ("optimizer_class", "kwargs", "message"),
    [
        (Novograd, {"lr": -1.0}, r"Novograd: lr must be >= 0.*optim\.lr"),
        (Novograd, {"eps": -1e-8}, "eps must be >= 0"),
        (Novograd, {"betas": (1.0, 0.9)}, r"betas\[0\] must be in \[0, 1\)"),
        (Novograd, {"betas": (0.9, -0.1)}, r"betas\[1\] must be in \[0, 1\)"),
        (Adan, {"max_grad_norm": -1.0}, "Adan: max_grad_norm must be >= 0"),
        (Adan, {"betas": (0.9, 0.9)}, "betas must be three values"),
        (Adan, {"betas": (0.9, 1.0, 0.9)}, r"Adan: betas\[1\] must be in \[0, 1\)"),
        (Adafactor, {"beta1": 1.5}, r"Adafactor: beta1 must be in \[0, 1\)"),
    ],
)
def test_bad_hyperparameters_are_named(optimizer_class, kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimizer_class([torch.nn.Parameter(torch.ones(1))], **kwargs)


@pytest.mark.parametrize("optimizer_class", [Novograd, Adafactor, Adan])
def test_sparse_gradients_are_refused(optimizer_class):
    embedding = torch.nn.Embedding(4, 2, sparse=True)
    embedding(torch.tensor([1])).sum().backward()
    with pytest.raises(RuntimeError, match=rf"{optimizer_class.__name__} does not support sparse"):
        optimizer_class(embedding.parameters()).step()


# -- Adafactor ----------------------------------------------------------------------------------


def test_adafactor_first_step_is_the_gradient_sign():
    # beta2 at step 1 is 0, so the second moment is g^2 (+1e-30): the update is sign(g), of
    # RMS 1, not clipped. A rank-1 gradient makes the factored moment exact for a matrix.
    a, b = torch.tensor([1.0, -2.0, 0.5]), torch.tensor([3.0, -1.0])
    vector = torch.nn.Parameter(torch.zeros(3))
    matrix = torch.nn.Parameter(torch.zeros(3, 2))
    optimizer = Adafactor([vector, matrix], lr=0.1, relative_step=False, scale_parameter=False)
    vector.grad, matrix.grad = a.clone(), torch.outer(a, b)
    optimizer.step()
    torch.testing.assert_close(vector.detach(), -0.1 * a.sign())
    torch.testing.assert_close(matrix.detach(), -0.1 * torch.outer(a, b).sign())
    assert set(optimizer.state[matrix]) == {"step", "exp_avg_sq_row", "exp_avg_sq_col", "RMS"}


def test_adafactor_relative_step_scales_with_the_parameter():
    w = torch.nn.Parameter(torch.full((4,), 2.0))
    optimizer = Adafactor([w])  # no lr: relative step min(1e-2, 1/sqrt(t)) times RMS(w) = 2
    w.grad = torch.tensor([1.0, -1.0, 1.0, -1.0])
    optimizer.step()
    torch.testing.assert_close(w.detach(), torch.tensor([1.98, 2.02, 1.98, 2.02]))


def test_adafactor_decay_rate_sign_is_the_papers_exponent():
    # NeMo's params say decay_rate=0.8, the code it derives from -0.8: both mean t^-0.8.
    runs = []
    for decay_rate in (0.8, -0.8):
        torch.manual_seed(0)
        w = torch.nn.Parameter(torch.randn(3, 3))
        optimizer = Adafactor([w], lr=0.01, relative_step=False, decay_rate=decay_rate, beta1=0.9)
        for _ in range(5):
            w.grad = torch.randn(3, 3)
            optimizer.step()
        assert torch.isfinite(w).all()
        runs.append(w.detach().clone())
    torch.testing.assert_close(runs[0], runs[1])


def test_adafactor_rejects_contradicting_options():
    p = [torch.nn.Parameter(torch.ones(1))]
    with pytest.raises(ValueError, match="relative_step"):
        Adafactor(p, lr=0.1, relative_step=True)
    with pytest.raises(ValueError, match="warmup_init"):
        Adafactor(p, lr=0.1, relative_step=False, warmup_init=True)


# -- Adan ---------------------------------------------------------------------------------------


def _reference_adan(weights, grads, *, lr, betas, eps, weight_decay, max_grad_norm, no_prox):
    """The paper's Algorithm 1 with torch-style betas, bias correction and global clipping."""
    b1, b2, b3 = betas
    weights = [w.clone() for w in weights]
    m = [torch.zeros_like(w) for w in weights]
    v = [torch.zeros_like(w) for w in weights]
    n = [torch.zeros_like(w) for w in weights]
    previous = None
    for k, raw in enumerate(grads, start=1):
        scale = 1.0
        if max_grad_norm > 0:
            norm = math.sqrt(sum(float((g * g).sum()) for g in raw))
            scale = min(1.0, max_grad_norm / (norm + eps))
        step_grads = [g * scale for g in raw]
        previous = previous or step_grads
        for i, (w, g, g_prev) in enumerate(zip(weights, step_grads, previous, strict=True)):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * (g - g_prev)
            n[i] = b3 * n[i] + (1 - b3) * (g + b2 * (g - g_prev)) ** 2
            eta = lr / ((n[i] / (1 - b3**k)).sqrt() + eps)
            update = m[i] / (1 - b1**k) + b2 * v[i] / (1 - b2**k)
            if no_prox:
                weights[i] = w * (1 - lr * weight_decay) - eta * update
            else:
                weights[i] = (w - eta * update) / (1 + lr * weight_decay)
        previous = step_grads
    return weights


@pytest.mark.parametrize(
    ("weight_decay", "max_grad_norm", "no_prox"),
    [(0.0, 0.0, False), (0.05, 0.0, False), (0.05, 0.0, True), (0.0, 0.5, False)],
)
def test_adan_follows_the_update_equations(weight_decay, max_grad_norm, no_prox):
    start, grads = _weights_and_gradients(3, [(2, 3), (4,)], steps=4)
    options = {
        "lr": 0.01,
        "betas": (0.9, 0.8, 0.95),
        "eps": 1e-8,
        "weight_decay": weight_decay,
        "max_grad_norm": max_grad_norm,
        "no_prox": no_prox,
    }
    weights = _train(Adan, start, grads, options)  # clipping works on a copy of p.grad
    expected = _reference_adan(start, grads, **options)
    for ours, reference in zip(weights, expected, strict=True):
        torch.testing.assert_close(ours, reference, rtol=1e-12, atol=1e-14)
