"""The template's own tests: what every plugin should check about itself."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from nemo.core import plugins
from nemo.core.testing import check_declarations

PROJECT = Path(__file__).resolve().parents[1]


def test_registered_by_name_without_importing_implementations() -> None:
    plugins.refresh()
    record = next(r for r in plugins.list_plugins() if r.distribution == "nemo-example-plugin")
    assert record.status == "loaded", record.errors
    assert plugins.optimizers.get("lion").provider == "nemo-example-plugin"
    assert "LinearWarmupDecay" in plugins.schedulers
    assert "TinyRegressionModel" in plugins.models
    assert "nemo_example_plugin.optim" not in sys.modules


def test_declared_names_are_the_registered_ones() -> None:
    check_declarations("nemo-example-plugin")


def test_the_built_distribution_installs_and_is_discovered(plugin_environment: Any) -> None:
    env = plugin_environment()  # a throw-away venv; this checkout's copy is built and installed
    env.pip_install(PROJECT)
    record = env.plugin("nemo-example-plugin")
    assert record["status"] == "loaded", record["errors"]
    assert env.names("optimizers", "li*") == ["lion"]


def test_lion_moves_each_weight_by_lr_times_sign() -> None:
    weight = torch.nn.Parameter(torch.tensor([1.0, -2.0, 3.0]))
    weight.grad = torch.tensor([0.5, -0.1, 0.0])
    optimizer = plugins.optimizers.load("lion")([weight], lr=0.1)
    optimizer.step()
    assert torch.allclose(weight.detach(), torch.tensor([0.9, -1.9, 3.0]))


def test_schedule_warms_up_then_decays_to_min_lr() -> None:
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=1.0)
    scheduler = plugins.schedulers.load("LinearWarmupDecay")(
        optimizer, max_steps=10, warmup_steps=4, min_lr=0.1
    )
    lrs = []
    for _ in range(11):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert lrs[:4] == pytest.approx([0.2, 0.4, 0.6, 0.8])
    assert lrs[4] == pytest.approx(1.0)
    assert lrs[10] == pytest.approx(0.1)
    assert all(a >= b for a, b in itertools.pairwise(lrs[4:]))
