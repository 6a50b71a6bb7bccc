"""The plugin authors' test kit (nemo.core.testing), used as an author would use it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nemo.core import plugins
from nemo.core.testing import PluginEnvironment, check_declarations, isolated_registrations

PLUGIN = """
from nemo.core.plugins import hookimpl

@hookimpl
def nemo_register(registrar):
    registrar.optimizer("kit_sgd", "torch.optim:SGD")
"""


def _project(root: Path, name: str, *, dependencies: tuple[str, ...] = ()) -> Path:
    package = name.replace("-", "_")
    (root / "src" / package).mkdir(parents=True)
    (root / "src" / package / "__init__.py").write_text(textwrap.dedent(PLUGIN))
    requirements = ", ".join(f'"{d}"' for d in ("nemo-core>=0.1", *dependencies))
    (root / "pyproject.toml").write_text(
        textwrap.dedent(f"""
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "{name}"
            version = "0.1.0"
            dependencies = [{requirements}]

            [project.entry-points."nemo.plugins"]
            kit = "{package}"

            [tool.hatch.build.targets.wheel]
            packages = ["src/{package}"]
        """)
    )
    return root


def test_a_plugin_installed_into_a_throw_away_environment_is_discovered(
    plugin_environment, tmp_path
):
    env = plugin_environment()
    assert isinstance(env, PluginEnvironment)
    with pytest.raises(AssertionError, match=r"nemo-kit-plugin was not discovered"):
        env.plugin("nemo-kit-plugin")
    env.pip_install(_project(tmp_path / "project", "nemo-kit-plugin"))
    assert env.plugin("nemo-kit-plugin")["status"] == "loaded"
    assert env.names("optimizers", "kit_*") == ["kit_sgd"]
    assert "kit_sgd" not in plugins.optimizers  # the running process is untouched
    env.pip_uninstall("nemo-kit-plugin")
    assert "nemo-kit-plugin" not in env.plugins()


def test_an_unmet_requirement_fails_the_install_naming_it(plugin_environment, tmp_path):
    project = _project(tmp_path / "p", "nemo-kit-needy", dependencies=("nemo-absent-dep>=1",))
    with pytest.raises(AssertionError, match=r"nemo-kit-needy requires nemo-absent-dep>=1"):
        plugin_environment().pip_install(project)


def test_check_declarations_names_what_disagrees(plugin_site):
    plugin_site(
        "nemo-declares",
        plugins={"declares": "declares_plugin"},
        modules={"declares_plugin": PLUGIN},
        provides={"optimizers": {"kit_sgd": "torch.optim:SGD", "kit_gone": "torch.optim:Adam"}},
    )
    plugins.refresh()
    with pytest.raises(AssertionError, match=r"declared but not registered \['kit_gone'\]"):
        check_declarations("nemo-declares")


def test_check_declarations_accepts_exact_and_absent_declarations(plugin_site):
    plugin_site(
        "nemo-exact",
        plugins={"exact": "exact_plugin"},
        modules={"exact_plugin": PLUGIN},
        provides={"optimizers": {"kit_sgd": "torch.optim:SGD"}},
    )
    plugins.refresh()
    check_declarations("nemo-exact")
    check_declarations("nemo-never-declared")


def test_isolated_registrations_forget_what_was_registered_inside():
    with isolated_registrations():
        plugins.register_optimizer("kit_runtime_only", object)
        assert "kit_runtime_only" in plugins.optimizers
    assert "kit_runtime_only" not in plugins.optimizers
