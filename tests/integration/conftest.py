"""Fresh virtual environments into which tests ``pip install`` real distributions."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


class Venv:
    """A venv that sees this interpreter's packages but installs and uninstalls on its own.

    Its ``.pth`` file adds the running environment's site directories *after* its own, so what a
    test installs here shadows nothing of the outer environment and vanishes with the venv;
    building on the outer environment keeps the venv cheap (no torch reinstall).
    """

    def __init__(self, root: Path) -> None:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
        self.root = root
        self.python = str(root / "bin" / "python")
        own_site = subprocess.run(
            [self.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        outer = [p for p in site.getsitepackages() if Path(p).is_dir()]
        lines = [f"import site; site.addsitedir({p!r})" for p in outer]
        Path(own_site, "_outer_environment.pth").write_text("\n".join(lines) + "\n")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NEMO_PLUGINS")}
        done = subprocess.run(
            [self.python, *args], capture_output=True, text=True, env=env, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{args} exited {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
            )
        return done

    def pip_install(self, *paths: Path, no_deps: bool = False) -> None:
        flags = ["--no-build-isolation", "--no-index", "--quiet", "--disable-pip-version-check"]
        self.run(
            "-m", "pip", "install", *flags, *(["--no-deps"] if no_deps else []), *map(str, paths)
        )

    def pip_uninstall(self, *names: str) -> None:
        self.run("-m", "pip", "uninstall", "--yes", "--quiet", *names)

    def nemo(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "nemo.core.cli", *args, check=check)


@pytest.fixture
def fresh_venv(tmp_path: Path) -> Callable[[], Venv]:
    return lambda: Venv(tmp_path / "venv")
