"""NeMo's optimizer/scheduler API in nemo-core: facades over the registries.

These tests need nemo-core alone: they register what they use at run time, or use torch's
classes directly, and simulate a missing nemo-optim with ``NEMO_PLUGINS``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
import torch
from core_test_optim import LinearDecay, LinearDecayParams, PlainSGDParams
from omegaconf import OmegaConf

from nemo.core import plugins
from nemo.core.config.optimizers import AVAILABLE_OPTIMIZER_PARAMS, get_optimizer_config
from nemo.core.config.schedulers import AVAILABLE_SCHEDULER_PARAMS
from nemo.core.optim import MissingArgumentError, UnknownArgumentError
from nemo.core.optim._provided import MissingDistributionError
from nemo.core.optim.lr_scheduler import (
    AVAILABLE_SCHEDULERS,
    compute_max_steps,
    get_scheduler,
    prepare_lr_scheduler,
    register_scheduler,
)
from nemo.core.optim.optimizers import (
    AVAILABLE_OPTIMIZERS,
    get_optimizer,
    parse_optimizer_args,
    register_optimizer,
)
from nemo.core.plugins import PluginWarning, RegistrationConflictError, UnknownNameError


@pytest.fixture
def registered(runtime_registrations):
    """``plain_sgd`` and ``LinearDecay`` registered for this test only."""
    register_optimizer("plain_sgd", torch.optim.SGD, PlainSGDParams)
    register_scheduler("LinearDecay", LinearDecay, LinearDecayParams)


@pytest.fixture
def without_plugins(monkeypatch):
    """No entry-point plugin loaded: what a nemo-core-only install sees."""
    monkeypatch.setenv("NEMO_PLUGINS", "")
    plugins.refresh()
    yield
    monkeypatch.delenv("NEMO_PLUGINS")
    plugins.refresh()


def _sgd(lr: float = 0.1) -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def test_available_views_are_live_and_read_only(registered):
    assert isinstance(AVAILABLE_OPTIMIZERS, Mapping) and isinstance(AVAILABLE_SCHEDULERS, Mapping)
    assert AVAILABLE_OPTIMIZERS["plain_sgd"] is torch.optim.SGD
    assert AVAILABLE_SCHEDULERS["LinearDecay"] is LinearDecay
    assert "plain_sgd" in list(AVAILABLE_OPTIMIZERS)
    assert AVAILABLE_OPTIMIZER_PARAMS["plain_sgd_params"] is PlainSGDParams
    assert AVAILABLE_SCHEDULER_PARAMS["LinearDecayParams"] is LinearDecayParams
    with pytest.raises(TypeError):
        AVAILABLE_OPTIMIZERS["x"] = torch.optim.SGD  # type: ignore[index]


def test_run_time_registration_conflicts_are_value_errors(registered):
    with pytest.raises(ValueError, match="already registered") as caught:
        register_optimizer("plain_sgd", torch.optim.Adam, PlainSGDParams)
    assert isinstance(caught.value, RegistrationConflictError)
    with pytest.raises(ValueError, match="already registered"):
        register_scheduler("LinearDecay", LinearDecay, LinearDecayParams)


def test_get_optimizer_and_scheduler_return_partials(registered):
    optimizer = get_optimizer("plain_sgd", lr=0.5, momentum=0.9)(torch.nn.Linear(2, 1).parameters())
    assert isinstance(optimizer, torch.optim.SGD)
    assert optimizer.defaults["momentum"] == 0.9
    scheduler = get_scheduler("LinearDecay", max_steps=4)(optimizer)
    assert isinstance(scheduler, LinearDecay) and scheduler.max_steps == 4


def test_unknown_names_list_what_is_available(registered):
    with pytest.raises(ValueError, match="unknown optimizer 'plain_sgx'") as caught:
        get_optimizer("plain_sgx")
    assert "Did you mean: 'plain_sgd'" in str(caught.value)
    assert "plain_sgd" in str(caught.value).split("Available optimizers:")[1]
    with pytest.raises(ValueError, match="unknown scheduler 'LinearDecai'.*LinearDecay"):
        get_scheduler("LinearDecai")


def test_wrong_argument_names_the_argument_and_the_params(registered):
    with pytest.raises(UnknownArgumentError, match=r"'momentun'.*PlainSGDParams") as caught:
        get_optimizer("plain_sgd", momentun=0.9)
    assert isinstance(caught.value, TypeError)  # as Python reports an unexpected keyword
    assert "momentum" in str(caught.value)  # the valid names are listed
    with pytest.raises(UnknownArgumentError, match=r"'max_step'.*LinearDecayParams"):
        get_scheduler("LinearDecay", max_step=3)


def test_parse_optimizer_args_forms(registered):
    assert parse_optimizer_args("plain_sgd", None) == {}
    assert parse_optimizer_args("plain_sgd", {"momentum": 0.5}) == {"momentum": 0.5}
    expected = {"lr": "???", "momentum": 0.5, "nesterov": False}
    assert parse_optimizer_args("plain_sgd", {"name": "auto", "momentum": 0.5}) == expected
    nested = OmegaConf.create({"name": "plain_sgd_params", "params": {"momentum": 0.5}})
    assert parse_optimizer_args("other", nested) == expected
    by_path = {"_target_": "core_test_optim.PlainSGDParams", "momentum": 0.5}
    assert parse_optimizer_args("any", by_path) == expected
    hydra0 = {"cls": "core_test_optim.PlainSGDParams", "params": {"momentum": 0.5}}
    assert parse_optimizer_args("any", hydra0) == expected
    with pytest.raises(UnknownArgumentError, match=r"'beta'.*PlainSGDParams"):
        parse_optimizer_args("plain_sgd", {"name": "auto", "beta": 0.5})
    with pytest.raises(UnknownNameError, match="unknown optimizer params 'nope_params'"):
        parse_optimizer_args("nope", {"name": "auto"})
    partial = get_optimizer_config("plain_sgd", momentum=0.25)
    assert partial().momentum == 0.25


def test_missing_required_argument_is_reported(registered):
    with pytest.raises(MissingArgumentError, match=r"'lr'.*PlainSGDParams"):
        get_optimizer("plain_sgd", **parse_optimizer_args("plain_sgd", {"name": "auto"}))


def test_prepare_lr_scheduler(registered):
    optimizer = _sgd()
    schedule = prepare_lr_scheduler(optimizer, {"name": "LinearDecay", "max_steps": 4})
    assert set(schedule) == {"scheduler", "interval", "frequency", "monitor"}
    assert (schedule["interval"], schedule["frequency"], schedule["monitor"]) == ("step", 1, "loss")
    assert schedule["scheduler"].max_steps == 4
    # run keys are not scheduler arguments; interval/frequency/monitor are Lightning's
    config = {
        "name": "LinearDecay",
        "max_steps": 10,
        "monitor": "val_loss",
        "interval": "epoch",
        "frequency": 2,
        "reduce_on_plateau": False,
    }
    schedule = prepare_lr_scheduler(optimizer, OmegaConf.create(config))
    assert schedule["interval"] == "epoch" and schedule["frequency"] == 2
    assert schedule["monitor"] == "val_loss" and schedule["reduce_on_plateau"] is False
    # params class path: the scheduler is the one registered with that params class
    by_path = {"_target_": "core_test_optim.LinearDecayParams", "max_steps": 6}
    assert isinstance(prepare_lr_scheduler(optimizer, by_path)["scheduler"], LinearDecay)
    assert prepare_lr_scheduler(optimizer, None) is None


def test_prepare_lr_scheduler_computes_max_steps_from_epochs(registered):
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(50)), 8)
    config = {
        "name": "LinearDecay",
        "t_max_epochs": 3,
        "t_accumulate_grad_batches": 2,
        "t_limit_train_batches": 1.0,
        "t_num_workers": 1,
    }
    schedule = prepare_lr_scheduler(_sgd(), config, train_dataloader=loader)
    assert schedule["scheduler"].max_steps == 12  # ceil(ceil(50/8) / 2) * 3


def test_a_schedule_of_zero_steps_is_refused_with_the_reason(registered, caplog):
    # 4 processes get 3 of the 10 samples each: no full batch of 4 with drop_last
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.zeros(10)), 4, drop_last=True
    )
    config = {"name": "LinearDecay", "t_max_epochs": 3, "t_num_workers": 4}
    with pytest.raises(ValueError, match=r"is 0: each of the 4 .* gets 3 of the 10 .*"
                       r"batch_size 4 \(drop_last=True\).*set sched.max_steps"):  # fmt: skip
        prepare_lr_scheduler(_sgd(), config, train_dataloader=loader)
    # limit_train_batches=0 means no training at all: nothing to schedule, said once
    config.update(t_num_workers=1, t_limit_train_batches=0)
    assert prepare_lr_scheduler(_sgd(), config, train_dataloader=loader) is None
    assert "limit_train_batches is 0" in caplog.text


def test_a_negative_max_steps_is_no_scheduler_or_an_error_as_in_nemo(registered, caplog):
    assert prepare_lr_scheduler(_sgd(), {"name": "LinearDecay", "max_steps": -1}) is None
    assert "max_steps is -1" in caplog.text
    with pytest.raises(ValueError, match="non-negative number of steps.*got -5"):
        prepare_lr_scheduler(_sgd(), {"name": "LinearDecay", "max_steps": -5})


def test_prepare_lr_scheduler_without_length_warns(registered, caplog):
    assert prepare_lr_scheduler(_sgd(), {"name": "LinearDecay"}) is None
    assert "set sched.max_steps" in caplog.text.lower()
    caplog.clear()
    config = {"name": "LinearDecay", "t_max_epochs": 2}
    assert prepare_lr_scheduler(_sgd(), config, train_dataloader=None) is None
    assert "train dataloader" in caplog.text


# compute_max_steps: the NeMo 3.0 fixture's cases, then the reference's derived examples.
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((10, 1, 1.0, 1, 1000, 32, False), 320),
        ((31, 1, 1.0, 9, 1613, 60, True), 93),
        ((10, 4, 1.0, 2, 1000, 32, True), 40),
        ((3, 1, 5, 1, 1000, 32, False), 15),  # an int limit is a number of batches
        ((2, 1, 0.5, 1, 1000, 32, False), 32),  # a float one a fraction: int(32 * 0.5) * 2
        ((2, 3, 0.5, 1, 1000, 32, False), 12),  # accumulation rounds up: ceil(16 / 3) * 2
        # NeMo 3.0 dropped v1's "at least one batch": a limit that leaves none gives 0, and
        # so does a DDP shard too small for one full batch (checked against it on 7200 cases)
        ((4, 1, 0.001, 1, 100, 10, False), 0),
        ((4, 2, 0.001, 1, 100, 10, False), 0),
        ((3, 1, 1.0, 4, 10, 10, True), 0),
        ((3, 1, 0.5, 2, 7, 3, False), 3),  # ceil(4/3)=2 batches, int(2 * 0.5) = 1 per epoch
        ((1, 1, 0.0, 1, 100, 10, False), 0),  # limit 0.0 disables training
        ((5, 1, 1.0, 4, 10, 3, False), 5),  # 4 processes: ceil(10/4)=3 samples each, 1 batch
        ((5, 1, 1.0, 0, 10, 3, True), 15),  # 0 workers counts as 1
    ],
)
def test_compute_max_steps(args, expected):
    names = "max_epochs accumulate_grad_batches limit_train_batches num_workers num_samples"
    names += " batch_size drop_last"
    assert compute_max_steps(**dict(zip(names.split(), args, strict=True))) == expected


def test_compute_max_steps_rejects_bad_batch_sizes():
    with pytest.raises(ValueError, match="batch_size must be > 0"):
        compute_max_steps(1, 1, 1.0, 1, 10, 0, False)
    with pytest.raises(ValueError, match="accumulate_grad_batches must be > 0"):
        compute_max_steps(1, 0, 1.0, 1, 10, 2, False)


def test_names_a_failed_plugin_declares_say_which_distribution_and_why(plugin_site):
    plugin_site(
        "nemo-declaring",
        plugins={"declaring": "declaring_plugin"},
        modules={"declaring_plugin": "import a_module_that_is_not_installed\n"},
        provides={
            "optimizers": {"fastnovo": "declaring_impl:FastNovo"},
            "schedulers": {"FastCosine": "declaring_impl:FastCosine"},
        },
    )
    with pytest.warns(PluginWarning, match="a_module_that_is_not_installed"):
        plugins.refresh()
    why = r"nemo-declaring declares '{}'.*plugin 'declaring' is failed.*a_module_that_is_not"
    with pytest.raises(ValueError, match=why.format("fastnovo")):
        get_optimizer("fastnovo")
    with pytest.raises(ValueError, match=why.format("FastCosine")):
        prepare_lr_scheduler(_sgd(), {"name": "FastCosine", "max_steps": 10})
    with pytest.raises(MissingDistributionError, match=why.format("fastnovo")):
        from nemo.core.optim.novograd import FastNovo  # noqa: F401
    with pytest.raises(UnknownNameError) as plain:
        get_optimizer("undeclared_name")
    assert "declares" not in str(plain.value) and "pip install" not in str(plain.value)


def test_without_any_optimizer_plugin_class_names_say_what_is_missing(without_plugins):
    with pytest.raises(MissingDistributionError, match=r"no installed plugin registers any"):
        from nemo.core.config import NovogradParams  # noqa: F401
    with pytest.raises(ImportError, match="nemo-optim"):
        from nemo.core.config.schedulers import CosineAnnealingParams  # noqa: F401
    with pytest.raises(ImportError, match="nemo-optim"):
        from nemo.core.optim.lr_scheduler import CosineAnnealing  # noqa: F401


def test_class_names_resolve_through_the_registry(registered):
    from nemo.core import optim
    from nemo.core.config import LinearDecayParams as params_by_name
    from nemo.core.optim.lr_scheduler import LinearDecay as by_name

    assert by_name is LinearDecay and params_by_name is LinearDecayParams
    assert optim.LinearDecay is LinearDecay and "LinearDecay" in dir(optim)
    assert optim.get_optimizer is get_optimizer


def test_importing_the_optim_api_does_not_import_torch(python):
    code = "import sys, nemo.core.optim, nemo.core.config; assert 'torch' not in sys.modules"
    result = python("-c", code)
    assert result.returncode == 0, result.stderr
