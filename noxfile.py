"""Development sessions. Run them through ``tools/nox`` (it bootstraps the pinned nox).

* ``tests``     every distribution installed editable; the whole suite except slow tests.
* ``slow``      the slow tests (trainings, large files).
* ``isolation`` one fresh venv per distribution holding only it and its declared dependencies,
                running that distribution's tests: proves each installs and works alone.
* ``lint``      ruff (all code) and mypy (nemo-core).
* ``demo``      the bundled demo.
* ``bench``     benchmarks: ratios against baselines measured in the same run.

Every install uses ``constraints.txt``. Virtualenvs are reused, and an install step is skipped
when nothing it depends on (its arguments, constraints.txt, the packages' pyproject.toml files,
the sources of distributions installed by copy) has changed since it last ran in that venv.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nox
import tomllib

ROOT = Path(__file__).parent
CONSTRAINTS = ROOT / "constraints.txt"
PACKAGES = ROOT / "packages"
DISTRIBUTIONS = ("nemo-core", "nemo-optim", "nemo-asr", "nemo-nlp", "nemo-tts")
TEST_TOOLS = ("pytest", "hatchling")

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests"]


def _local_dependencies(distribution: str) -> list[str]:
    """``distribution`` and every distribution of ours it depends on, dependencies first."""
    order: list[str] = []

    def visit(name: str) -> None:
        project = tomllib.loads((PACKAGES / name / "pyproject.toml").read_text())["project"]
        for requirement in project.get("dependencies", []):
            dep = re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0]  # no extras, no version
            if dep in DISTRIBUTIONS and dep not in order:
                visit(dep)
        if name not in order:
            order.append(name)

    visit(distribution)
    return order


def _copied_sources(args: tuple[str, ...]) -> list[Path]:
    """The files of local distributions that ARGS install by copy (not ``-e``)."""
    files: list[Path] = []
    for previous, arg in zip(("", *args), args, strict=False):
        path = Path(arg.split("[")[0])  # a path may carry extras: packages/x[test]
        if previous != "-e" and (path / "pyproject.toml").is_file():
            files += [f for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
    return sorted(files)


def _install(session: nox.Session, *args: str) -> None:
    """``pip install -c constraints.txt ARGS``, skipped when its inputs are unchanged.

    The inputs: ARGS, constraints.txt, every pyproject.toml, and the source files of
    distributions installed by copy (an editable install follows its sources by itself).
    """
    digest = hashlib.sha256("\0".join(args).encode())
    digest.update(CONSTRAINTS.read_bytes())
    for pyproject in sorted(PACKAGES.glob("*/pyproject.toml")):
        digest.update(pyproject.read_bytes())
    for source in _copied_sources(args):
        digest.update(str(source).encode() + b"\0" + source.read_bytes())
    marker = Path(session.virtualenv.location) / ".nemo-install-digest"
    if marker.is_file() and marker.read_text() == digest.hexdigest():
        session.log("install inputs unchanged: skipping pip install")
        return
    session.install("-c", str(CONSTRAINTS), *args)
    marker.write_text(digest.hexdigest())


def _with_test_extra(distribution: str) -> str:
    """The distribution's path, with ``[test]`` when it declares what its tests need."""
    project = tomllib.loads((PACKAGES / distribution / "pyproject.toml").read_text())["project"]
    extra = "[test]" if "test" in project.get("optional-dependencies", {}) else ""
    return f"{PACKAGES / distribution}{extra}"


def _install_workspace(session: nox.Session) -> None:
    editable = [arg for dist in DISTRIBUTIONS for arg in ("-e", _with_test_extra(dist))]
    _install(session, *editable, *TEST_TOOLS)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, slow tests excepted, against every distribution installed editable."""
    _install_workspace(session)
    session.run("pytest", "-m", "not slow", *session.posargs)


@nox.session
def slow(session: nox.Session) -> None:
    """Slow tests only."""
    _install_workspace(session)
    session.run("pytest", "-m", "slow", *session.posargs)


@nox.session
@nox.parametrize("distribution", DISTRIBUTIONS)
def isolation(session: nox.Session, distribution: str) -> None:
    """A venv with only ``distribution`` and its declared dependencies runs its own tests."""
    *dependencies, _ = _local_dependencies(distribution)
    paths = [*(str(PACKAGES / dist) for dist in dependencies), _with_test_extra(distribution)]
    _install(session, *paths, *TEST_TOOLS)
    session.run("pip", "check")
    session.run("pytest", str(ROOT / "tests" / distribution), *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on everything; mypy (strict) on every distribution."""
    _install(session, "-e", str(PACKAGES / "nemo-core"), "ruff", "mypy", "pytest")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    # Strict on every distribution; mypy_path (pyproject.toml) holds their source roots, so
    # they need no install here and each is checked as the namespace package it extends.
    packages = ("nemo.core", "nemo.utils", "nemo.optim")
    packages += ("nemo.collections.asr",)
    packages += ("nemo.collections.nlp", "nemo.collections.tts")
    session.run("mypy", *(arg for package in packages for arg in ("-p", package)))
    session.run("mypy", str(ROOT / "tests" / "typing"))  # the public API's promised types


@nox.session
def demo(session: nox.Session) -> None:
    """The bundled demo."""
    _install_workspace(session)
    session.run("python", str(ROOT / "examples" / "demo.py"), *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: each figure a ratio to a baseline measured in the same run."""
    _install_workspace(session)
    session.run("python", str(ROOT / "tools" / "bench" / "run.py"), *session.posargs)
