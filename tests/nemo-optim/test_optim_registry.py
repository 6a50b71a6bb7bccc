"""What nemo-optim registers, through the plugin system and NeMo's API (core + optim only)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf
from omegaconf.errors import ConfigKeyError

from nemo.core import plugins
from nemo.core.config.optimizers import AVAILABLE_OPTIMIZER_PARAMS
from nemo.core.config.schedulers import AVAILABLE_SCHEDULER_PARAMS
from nemo.core.optim.lr_scheduler import AVAILABLE_SCHEDULERS, prepare_lr_scheduler
from nemo.core.optim.optimizers import AVAILABLE_OPTIMIZERS, get_optimizer, parse_optimizer_args
from nemo.core.plugins import PluginWarning, RegistrationConflictError
from nemo.core.testing import check_declarations

FIXTURE = json.loads((Path(__file__).parent / "data" / "nemo3_schedulers_public.json").read_text())

# a learning rate at which each optimizer visibly learns the toy problem in 20 steps
LEARNING_RATES = {
    "sgd": 0.1,
    "adam": 0.05,
    "adamw": 0.05,
    "adadelta": 10.0,
    "adamax": 0.05,
    "adagrad": 0.2,
    "rmsprop": 0.01,
    "rprop": 0.01,
    "novograd": 0.05,
    "adan": 0.05,
    "adafactor": 0.5,  # relative to the weights' RMS (scale_parameter)
}


def _jsonable(value):
    return list(value) if isinstance(value, tuple) else value


def test_every_nemo3_optimizer_is_registered():
    assert set(FIXTURE["available_optimizers"]) <= set(AVAILABLE_OPTIMIZERS)
    assert set(LEARNING_RATES) == set(AVAILABLE_OPTIMIZERS)


def test_registrations_agree_with_the_names_nemo_optim_declares():
    check_declarations("nemo-optim")
    for kind, table in (("optimizers", AVAILABLE_OPTIMIZERS), ("schedulers", AVAILABLE_SCHEDULERS)):
        ours = {e.name for e in plugins.get_registry(kind).entries() if e.provider == "nemo-optim"}
        assert ours and ours <= set(table)


@pytest.mark.parametrize(
    ("table", "classname"),
    [
        (table, classname)
        for table in ("optimizer_params_defaults", "scheduler_params_defaults")
        for classname in sorted(FIXTURE[table])
    ],
)
def test_params_defaults_are_nemo3s(table, classname):
    from nemo.core import config

    params = getattr(config, classname)()
    fields = {f.name: _jsonable(getattr(params, f.name)) for f in dataclasses.fields(params)}
    assert list(fields.items()) == list(FIXTURE[table][classname].items())


def test_nemo3_params_keys_resolve():
    for key, classname in FIXTURE["available_optimizer_params"].items():
        assert AVAILABLE_OPTIMIZER_PARAMS.lookup(key).__name__ == classname
    for key, classname in FIXTURE["available_scheduler_params"].items():
        assert AVAILABLE_SCHEDULER_PARAMS.lookup(key).__name__ == classname
    assert "novograd_params" in AVAILABLE_OPTIMIZER_PARAMS
    assert "CosineAnnealingParams" in AVAILABLE_SCHEDULER_PARAMS


def test_nemo_style_imports():
    from nemo.core.config import NovogradParams as from_package
    from nemo.core.config.optimizers import NovogradParams
    from nemo.core.config.schedulers import CosineAnnealingParams
    from nemo.core.optim import Novograd as from_optim
    from nemo.core.optim.lr_scheduler import CosineAnnealing, StepLR
    from nemo.core.optim.novograd import Novograd
    from nemo.optim.lr_scheduler import CosineAnnealing as defined
    from nemo.optim.novograd import Novograd as novograd_defined

    assert NovogradParams is from_package and NovogradParams().betas == (0.95, 0.98)
    assert CosineAnnealingParams().min_lr == 0.0
    assert Novograd is from_optim is novograd_defined
    assert CosineAnnealing is defined and StepLR is torch.optim.lr_scheduler.StepLR


@pytest.mark.parametrize("name", sorted(LEARNING_RATES))
def test_each_optimizer_reduces_a_toy_loss_in_20_steps(name):
    torch.manual_seed(0)
    inputs = torch.randn(64, 4)
    targets = inputs @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.5
    model = torch.nn.Linear(4, 1)
    optimizer = get_optimizer(name, lr=LEARNING_RATES[name])(model.parameters())
    assert isinstance(optimizer, AVAILABLE_OPTIMIZERS[name])

    def loss() -> torch.Tensor:
        return torch.nn.functional.mse_loss(model(inputs), targets)

    first = loss().item()
    for _ in range(20):
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()
    assert loss().item() < 0.7 * first, name


def test_parse_optimizer_args_as_nemo():
    args = {"weight_decay": 0.001, "betas": [0.8, 0.5]}
    for given in (args, OmegaConf.create(args)):
        assert parse_optimizer_args("novograd", given) == args
        auto = parse_optimizer_args("novograd", {"name": "auto", **args})
        assert auto["weight_decay"] == 0.001 and auto["betas"] == [0.8, 0.5]
        assert auto["lr"] == "???"  # MISSING until the model config's lr is set
    with pytest.raises(ConfigKeyError, match=r"'betas'.*SGDParams"):
        parse_optimizer_args("sgd", {"name": "auto", **args})
    by_class = {"target": "nemo.core.config.NovogradParams", "params": args}
    for optimizer_name in ("novograd", "sgd"):
        parsed = parse_optimizer_args(optimizer_name, by_class)
        novograd_params = AVAILABLE_OPTIMIZER_PARAMS["novograd_params"]
        assert set(parsed) == {f.name for f in dataclasses.fields(novograd_params)}
        assert parsed["betas"] == [0.8, 0.5]
    named = parse_optimizer_args("x", {"name": "adam_params", "params": {"eps": 1e-3}})
    assert named["eps"] == 1e-3 and "betas" not in named
    assert parse_optimizer_args("adam", None) == {}


def _novograd():
    return get_optimizer("novograd", lr=0.1)([torch.nn.Parameter(torch.zeros(1))])


def test_prepare_lr_scheduler_by_name_and_by_params_class():
    schedule = prepare_lr_scheduler(_novograd(), {"name": "CosineAnnealing", "max_steps": 10})
    assert isinstance(schedule["scheduler"], AVAILABLE_SCHEDULERS["CosineAnnealing"])
    assert (schedule["interval"], schedule["frequency"], schedule["monitor"]) == ("step", 1, "loss")
    config = {
        "target": "nemo.core.config.CosineAnnealingParams",
        "params": {"min_lr": 0.01},
        "max_steps": 10,
    }
    for given in (config, OmegaConf.create(config)):
        schedule = prepare_lr_scheduler(_novograd(), given)
        assert isinstance(schedule["scheduler"], AVAILABLE_SCHEDULERS["CosineAnnealing"])
        assert schedule["scheduler"].min_lr == 0.01 and schedule["scheduler"].max_steps == 10


def test_prepare_lr_scheduler_with_args_auto_and_epoch_schedulers():
    schedule = prepare_lr_scheduler(
        _novograd(),
        {"name": "WarmupAnnealing", "max_steps": 20, "args": {"name": "auto", "warmup_ratio": 0.1}},
    )
    assert schedule["scheduler"].warmup_steps == 2 and schedule["scheduler"].max_steps == 20
    plateau = prepare_lr_scheduler(
        _novograd(),
        {"name": "ReduceLROnPlateau", "monitor": "val_loss", "args": {"name": "auto"}},
    )
    # torch 2.x dropped `verbose` (a field of NeMo's params): left at its default it is not
    # passed; max_steps is never passed to a scheduler that does not take it.
    assert isinstance(plateau["scheduler"], torch.optim.lr_scheduler.ReduceLROnPlateau)
    assert (plateau["interval"], plateau["monitor"]) == ("epoch", "val_loss")
    assert "reduce_on_plateau" not in plateau  # Lightning recognises ReduceLROnPlateau itself
    with pytest.raises(TypeError, match="'verbose'.*ReduceLROnPlateauParams"):
        prepare_lr_scheduler(
            _novograd(), {"name": "ReduceLROnPlateau", "args": {"name": "auto", "verbose": True}}
        )
    step = prepare_lr_scheduler(
        _novograd(), {"name": "StepLR", "step_size": 3, "interval": "epoch"}
    )
    assert step["interval"] == "epoch" and step["scheduler"].step_size == 3


def test_prepare_lr_scheduler_required_params_are_reported():
    with pytest.raises(ValueError, match=r"'T_max'.*required.*CosineAnnealingLRParams"):
        prepare_lr_scheduler(_novograd(), {"name": "CosineAnnealingLR", "args": {"name": "auto"}})


def test_prepare_lr_scheduler_without_a_length_warns_and_returns_none(caplog):
    assert prepare_lr_scheduler(_novograd(), {"name": "CosineAnnealing"}) is None
    assert "sched.max_steps" in caplog.text


def test_a_plugin_can_extend_nemo_optim(plugin_site, runtime_registrations):
    plugin_site(
        "nemo-extra-optim",
        requires=["nemo-core>=0.1,<0.2"],
        plugins={"extra": "extra_optim.plugin"},
        modules={
            "extra_optim.plugin": """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_register(registrar):
                    registrar.optimizer("signsgd", "extra_optim.impl:SignSGD",
                                        params="extra_optim.impl:SignSGDParams")
                    registrar.scheduler("Halving", "extra_optim.impl:Halving",
                                        params="extra_optim.impl:HalvingParams")
            """,
            "extra_optim.impl": """
                from dataclasses import dataclass
                import torch
                from nemo.core.config import OptimizerParams, SchedulerParams

                class SignSGD(torch.optim.SGD):
                    pass

                @dataclass
                class SignSGDParams(OptimizerParams):
                    momentum: float = 0.0

                class Halving(torch.optim.lr_scheduler.LambdaLR):
                    def __init__(self, optimizer, *, max_steps, last_epoch=-1):
                        super().__init__(optimizer, lambda s: 0.5 if s >= max_steps // 2 else 1.0,
                                         last_epoch=last_epoch)

                @dataclass
                class HalvingParams(SchedulerParams):
                    max_steps: int = 0
            """,
        },
    )
    plugins.refresh()
    assert "signsgd" in AVAILABLE_OPTIMIZERS and "Halving" in AVAILABLE_SCHEDULERS
    assert "novograd" in AVAILABLE_OPTIMIZERS  # the other plugins keep working
    args = parse_optimizer_args("signsgd", {"name": "auto", "momentum": 0.9})
    assert args == {"lr": "???", "momentum": 0.9}
    from nemo.core.config import SignSGDParams  # params resolve by class name, as NeMo's

    assert SignSGDParams().momentum == 0.0
    optimizer = get_optimizer("signsgd", lr=1.0)([torch.nn.Parameter(torch.zeros(1))])
    schedule = prepare_lr_scheduler(optimizer, {"name": "Halving", "max_steps": 4})
    lrs = []
    for _ in range(4):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule["scheduler"].step()
    assert lrs == [1.0, 1.0, 0.5, 0.5]


def _third_party_adam(plugin_site, name, *, requires=()):
    module = name.replace("-", "_")
    plugin_site(
        name,
        plugins={"adam": module},
        requires=requires,
        modules={
            module: """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_register(registrar):
                    registrar.optimizer("adam", "torch.optim:SGD")
            """
        },
    )


@pytest.mark.parametrize("name", ["aaa-adam", "zzz-adam"])  # sorts before and after nemo-optim
def test_a_third_party_adam_never_silently_takes_over_torchs(plugin_site, name):
    _third_party_adam(plugin_site, name)
    with pytest.warns(PluginWarning, match=r"'adam' is registered by both") as caught:
        plugins.refresh()
    assert name in str(caught[0].message) and "nemo-optim" in str(caught[0].message)
    with pytest.raises(RegistrationConflictError) as contested:
        get_optimizer("adam")
    assert name in str(contested.value) and "nemo-optim" in str(contested.value)


@pytest.mark.parametrize("name", ["aaa-adam", "zzz-adam"])
def test_a_plugin_built_on_nemo_optim_keeps_torchs_adam_unless_it_overrides(plugin_site, name):
    _third_party_adam(plugin_site, name, requires=["nemo-optim"])
    with pytest.warns(PluginWarning, match=rf"nemo-optim's .* is used, not {name}'s"):
        plugins.refresh()
    assert get_optimizer("adam").func is torch.optim.Adam
