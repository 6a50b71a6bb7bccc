"""A test kit for plugin authors, in the spirit of pytest's ``pytester``.

* :class:`PluginEnvironment` — a throw-away virtualenv into which a test ``pip install`` s your
  plugin for real, then asks a fresh ``nemo`` process what it discovered.
* :func:`check_declarations` — the names your distribution declares in ``nemo.provides.<kind>``
  entry points are exactly those its ``nemo_register`` registers.
* :func:`isolated_registrations` — run-time registrations made inside are forgotten after it.

As pytest fixtures (``pytest_plugins = ["nemo.core.testing"]`` in a ``conftest.py``, or
``pytest -p nemo.core.testing``): ``plugin_environment`` (a factory of environments) and
``nemo_registrations`` (the context manager as a fixture)::

    def test_my_plugin_is_discovered(plugin_environment):
        env = plugin_environment()
        env.pip_install(Path(__file__).parents[1])
        assert env.plugin("my-distribution")["status"] == "loaded"
        assert "lion" in env.names("optimizers")
"""

from __future__ import annotations

import contextlib
import json
import os
import site
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "PluginEnvironment",
    "check_declarations",
    "isolated_registrations",
    "nemo_registrations",
    "plugin_environment",
]

# What a test environment must not inherit: it would change which plugins load.
_SCRUBBED = ("PYTHONPATH", "NEMO_PLUGINS", "NEMO_DISABLE_PLUGIN_AUTOLOAD")


class PluginEnvironment:
    """A virtualenv that sees this interpreter's packages but installs and uninstalls alone.

    Its ``.pth`` file adds the running environment's site directories *after* its own, so what a
    test installs here shadows nothing outside and vanishes with the directory; building on the
    running environment keeps it cheap (torch and nemo-core are not reinstalled). Installs run
    offline (``--no-index --no-build-isolation``): the build backend your ``pyproject.toml``
    names (hatchling, setuptools, …) must be installed where the tests run.
    """

    def __init__(self, root: Path) -> None:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
        self.root = root
        self.python = str(root / "bin" / "python")
        own_site = self.run(
            "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
        ).stdout.strip()
        outer = [p for p in site.getsitepackages() if Path(p).is_dir()]
        lines = [f"import site; site.addsitedir({p!r})" for p in outer]
        Path(own_site, "_outer_environment.pth").write_text("\n".join(lines) + "\n")

    def run(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run this environment's Python; a non-zero exit raises with both outputs shown."""
        clean = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
        done = subprocess.run(
            [self.python, *args],
            capture_output=True,
            text=True,
            env={**clean, **(env or {})},
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{args} exited {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
            )
        return done

    def pip_install(self, *paths: Path | str, no_deps: bool = False) -> None:
        """``pip install`` local project directories into this environment, for real.

        Installed with ``--ignore-installed``, so a copy of the same distribution in the running
        environment (your editable install) neither satisfies nor loses the install: this
        environment gets its own, built from ``paths``, and it shadows the outer one. Their
        requirements must already be met (offline: nothing is downloaded); unless ``no_deps``,
        an unmet one fails the install, naming it.
        """
        flags = ["--no-build-isolation", "--no-index", "--quiet", "--disable-pip-version-check"]
        self.run(
            "-m", "pip", "install", *flags, "--no-deps", "--ignore-installed", *map(str, paths)
        )
        if not no_deps:
            names = [_project_name(Path(path)) for path in paths]
            self.run("-c", _REQUIREMENTS_MET, *names)

    def pip_uninstall(self, *names: str) -> None:
        self.run("-m", "pip", "uninstall", "--yes", "--quiet", *names)

    def nemo(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """The ``nemo`` command of this environment."""
        return self.run("-m", "nemo.core.cli", *args, check=check)

    def plugins(self) -> dict[str, dict[str, Any]]:
        """``nemo plugins --json`` by distribution: status, errors, hooks, registrations."""
        records = json.loads(self.nemo("plugins", "--json").stdout)
        return {record["distribution"]: record for record in records}

    def plugin(self, distribution: str) -> dict[str, Any]:
        """One distribution's record; a clear failure when it was not discovered at all."""
        found = self.plugins()
        if distribution not in found:
            raise AssertionError(
                f"{distribution} was not discovered; found {sorted(found)}. Does its "
                'pyproject.toml declare [project.entry-points."nemo.plugins"]?'
            )
        return found[distribution]

    def names(self, kind: str, pattern: str | None = None) -> list[str]:
        """What ``nemo list KIND [PATTERN]`` lists."""
        listed = json.loads(self.nemo("list", kind, *filter(None, [pattern]), "--json").stdout)
        return [entry["name"] for entry in listed]


# Run in the environment: fail naming each requirement of the given distributions not met.
_REQUIREMENTS_MET = """
import sys
from importlib import metadata
from packaging.requirements import Requirement
unmet = []
for name in sys.argv[1:]:
    for line in metadata.requires(name) or []:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            version = None
        if version is None or not req.specifier.contains(version, prereleases=True):
            unmet.append(f"{name} requires {req}, but {version or 'nothing'} is installed")
sys.exit("; ".join(unmet) or None)
"""


def _project_name(path: Path) -> str:
    import tomllib

    pyproject = path / "pyproject.toml"
    if not pyproject.is_file():
        raise FileNotFoundError(f"{path} is not a project directory: it has no pyproject.toml")
    return str(tomllib.loads(pyproject.read_text())["project"]["name"])


def check_declarations(distribution: str) -> None:
    """Fail unless ``distribution`` declares exactly the names its plugins register.

    Declarations (``nemo.provides.<kind>`` entry points) are optional; a distribution that
    makes none passes. Those it makes must match, or errors would point users the wrong way.
    """
    from nemo.core import plugins
    from nemo.core.plugins._distributions import canonical_name
    from nemo.core.plugins._hints import declarations

    wanted = canonical_name(distribution)
    problems = []
    for kind in plugins.KINDS:
        declared = {
            d.name: d.target for d in declarations(kind) if canonical_name(d.distribution) == wanted
        }
        registered = {
            r.name: r.target_name
            for record in plugins.list_plugins()
            if canonical_name(record.distribution) == wanted
            for r in record.registrations
            if r.kind == kind
        }
        if declared and declared != registered:
            missing = sorted(set(registered) - set(declared))
            extra = sorted(set(declared) - set(registered))
            moved = sorted(n for n in declared.keys() & registered if declared[n] != registered[n])
            problems.append(
                f"{kind}: registered but not declared {missing}, declared but not registered "
                f"{extra}, declared with another target {moved}"
            )
    if problems:
        raise AssertionError(
            f"{distribution}'s nemo.provides.<kind> entry points disagree with what it "
            "registers (fix its pyproject.toml): " + "; ".join(problems)
        )


@contextlib.contextmanager
def isolated_registrations() -> Iterator[None]:
    """Forget the run-time registrations (``register_optimizer``…) made inside, then rediscover."""
    from nemo.core.plugins._manager import system

    saved = system.runtime_registrations()
    try:
        yield
    finally:
        system.restore_runtime_registrations(saved)


def _fixture(function: Any) -> Any:
    """``pytest.fixture`` when pytest is importable; this module must import without it."""
    try:
        import pytest
    except ImportError:  # pragma: no cover - a user without pytest never loads the fixtures
        return function
    return pytest.fixture(function)


@_fixture
def plugin_environment(tmp_path: Path) -> Any:
    """A factory: each call makes a fresh :class:`PluginEnvironment` under ``tmp_path``."""
    made = iter(range(sys.maxsize))
    return lambda: PluginEnvironment(tmp_path / f"venv{next(made)}")


@_fixture
def nemo_registrations() -> Iterator[None]:
    """Run-time registrations made by the test are forgotten after it."""
    with isolated_registrations():
        yield
