"""Fixtures shared by every distribution's tests (keep them free of collection imports)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

# The plugin authors' kit: its plugin_environment and nemo_registrations fixtures.
pytest_plugins = ["nemo.core.testing"]

DistributionFactory = Callable[..., Path]


def write_distribution(
    site: Path,
    name: str,
    *,
    version: str = "1.0",
    plugins: Mapping[str, str] | None = None,
    modules: Mapping[str, str] | None = None,
    requires: Sequence[str] = (),
    provides: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Lay out an installed distribution in ``site``: modules plus a ``.dist-info`` directory.

    ``plugins`` are its ``nemo.plugins`` entry points; ``provides`` its declarations, by kind
    (``{"optimizers": {"lion": "pkg.optim:Lion"}}``).

    This is exactly what ``pip install`` leaves behind, so ``importlib.metadata`` finds it the
    same way; tests that need a real ``pip install`` use the venv fixtures instead.
    """
    site.mkdir(parents=True, exist_ok=True)
    for module, source in (modules or {}).items():
        path = site.joinpath(*module.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {requirement}" for requirement in requires]
    (info / "METADATA").write_text("\n".join(metadata) + "\n")
    entry_points = "[nemo.plugins]\n" + "".join(
        f"{ep} = {target}\n" for ep, target in (plugins or {}).items()
    )
    for kind, names in (provides or {}).items():
        entry_points += f"[nemo.provides.{kind}]\n" + "".join(
            f"{name} = {target}\n" for name, target in names.items()
        )
    (info / "entry_points.txt").write_text(entry_points)
    (info / "RECORD").write_text("")
    return site


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DistributionFactory]:
    """Install fake-but-real distributions on ``sys.path`` for this test, then rediscover.

    Yields ``add(name, **kwargs)``; after the test the directory leaves ``sys.path``, its modules
    leave ``sys.modules`` and plugins are discovered again, so no test sees another's plugins.
    """
    from nemo.core import plugins

    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    before = set(sys.modules)

    def add(name: str, **kwargs: object) -> Path:
        write_distribution(site, name, **kwargs)  # type: ignore[arg-type]
        return site

    yield add

    monkeypatch.undo()
    for module in set(sys.modules) - before:
        if getattr(sys.modules[module], "__file__", None) and str(site) in str(
            sys.modules[module].__file__
        ):
            del sys.modules[module]
    plugins.refresh()


@pytest.fixture
def new_distribution() -> DistributionFactory:
    """``write_distribution`` itself, for tests that hand the site to a subprocess."""
    return write_distribution


def run_python(*args: str, env: Mapping[str, str] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    import os
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(  # noqa: PLW1510 - callers assert on returncode with the output shown
        [sys.executable, *args], capture_output=True, text=True, env=full_env, **kwargs
    )


@pytest.fixture
def python() -> Callable[..., object]:
    """Run ``sys.executable`` with arguments in a subprocess; returns the CompletedProcess."""
    return run_python


def check_distribution_contract(distribution: str, package: str) -> None:
    """What every distribution of ours promises, installed editable or from a wheel.

    * its import package is the one it claims, at the distribution's version, with ``py.typed``;
    * ``nemo`` and ``nemo.collections`` stay PEP 420 namespaces (an ``__init__.py`` there would
      hide every other distribution's subpackages);
    * it requires a nemo-core range that the installed nemo-core satisfies;
    * each of its plugins loads with no error;
    * the names it declares (``nemo.provides.<kind>`` entry points) are those it registers.
    """
    import importlib
    from importlib import metadata

    from packaging.requirements import Requirement

    from nemo.core import plugins
    from nemo.core.testing import check_declarations

    module = importlib.import_module(package)
    assert module.__version__ == metadata.version(distribution)
    assert module.__file__ is not None
    assert (Path(module.__file__).parent / "py.typed").is_file()
    for namespace in ("nemo", "nemo.collections"):
        if package.startswith(namespace + "."):
            ns = importlib.import_module(namespace)
            assert getattr(ns, "__file__", None) is None, f"{namespace} must have no __init__.py"
    if distribution != "nemo-core":
        core = [
            Requirement(line)
            for line in metadata.requires(distribution) or []
            if Requirement(line).name == "nemo-core"
        ]
        assert core, f"{distribution} must declare its nemo-core range"
        assert core[0].specifier.contains(metadata.version("nemo-core"))
    for record in plugins.list_plugins():
        if record.distribution == distribution:
            assert record.status == "loaded", record.errors
            assert record.errors == []
    check_declarations(distribution)


@pytest.fixture
def distribution_contract() -> Callable[[str, str], None]:
    return check_distribution_contract


@pytest.fixture
def quiet_trainer(tmp_path: Path) -> Callable[..., object]:
    """A factory of CPU ``pl.Trainer`` s without logger, checkpoints, progress bar or model
    summary, writing under the test's tmp_path; keyword arguments (``max_steps=...``) are added.
    """
    import pytorch_lightning as pl

    def make(**kwargs: object) -> pl.Trainer:
        options: dict[str, object] = {
            "accelerator": "cpu",
            "logger": False,
            "enable_checkpointing": False,
            "enable_progress_bar": False,
            "enable_model_summary": False,
            "default_root_dir": tmp_path,
        }
        return pl.Trainer(**{**options, **kwargs})  # type: ignore[arg-type]

    return make


@pytest.fixture
def runtime_registrations() -> Iterator[None]:
    """What the test registers at run time (``register_optimizer``...) is forgotten after it."""
    from nemo.core.testing import isolated_registrations

    with isolated_registrations():
        yield
