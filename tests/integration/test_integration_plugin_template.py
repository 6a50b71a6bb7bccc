"""The example plugin and deliberately broken plugins, pip-installed into fresh venvs."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "tools" / "plugin-template"
BROKEN = Path(__file__).parent / "data" / "broken-plugins"


def _plugins(venv) -> dict[str, dict]:
    done = venv.nemo("plugins", "--json")
    return {record["distribution"]: record for record in json.loads(done.stdout)}


def _train(venv, **env: str) -> dict:
    done = venv.run(str(TEMPLATE / "train.py"), str(TEMPLATE / "config.yaml"), env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_example_plugin_installs_trains_by_name_and_uninstalls(fresh_venv):
    venv = fresh_venv()
    assert "nemo-example-plugin" not in _plugins(venv)

    venv.pip_install(TEMPLATE)
    record = _plugins(venv)["nemo-example-plugin"]
    assert record["status"] == "loaded", record["errors"]
    assert record["hooks"] == ["nemo_register"]
    assert record["registered"] == {
        "models": ["TinyRegressionModel"],
        "optimizers": ["lion"],
        "schedulers": ["LinearWarmupDecay"],
    }
    listed = json.loads(venv.nemo("list", "optimizers", "li*", "--json").stdout)
    assert [entry["name"] for entry in listed] == ["lion"]

    result = _train(venv)
    assert result["optimizer"] == "Lion"
    assert result["scheduler"] == "LinearWarmupDecay"
    assert result["loss_after"] < 0.1 * result["loss_before"]

    tests = venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider", str(TEMPLATE / "tests"))
    assert re.search(r"\b5 passed\b", tests.stdout), tests.stdout

    venv.pip_uninstall("nemo-example-plugin")
    assert "nemo-example-plugin" not in _plugins(venv)
    assert json.loads(venv.nemo("list", "optimizers", "lion", "--json").stdout) == []


def test_broken_plugins_are_reported_and_the_rest_keeps_working(fresh_venv):
    venv = fresh_venv()
    venv.pip_install(
        TEMPLATE,
        BROKEN / "nemo-broken-import",
        BROKEN / "nemo-broken-hook",
        BROKEN / "nemo-rival-lion",
    )
    # pip itself refuses the incompatible core requirement; --no-deps is how such a plugin
    # lands in real environments (installed first, nemo-core changed afterwards).
    venv.pip_install(BROKEN / "nemo-broken-core", no_deps=True)

    done = venv.nemo("plugins", "--json")
    records = {r["distribution"]: r for r in json.loads(done.stdout)}
    assert records["nemo-broken-import"]["status"] == "failed"
    assert "a_module_that_is_not_installed" in records["nemo-broken-import"]["errors"][0]
    assert records["nemo-broken-hook"]["status"] == "failed"
    assert "RuntimeError: broken on purpose" in records["nemo-broken-hook"]["errors"][0]
    assert records["nemo-broken-hook"]["registered"] == {}
    assert records["nemo-broken-core"]["status"] == "incompatible"
    assert "requires nemo-core>=99" in records["nemo-broken-core"]["errors"][0]
    clash = records["nemo-rival-lion"]
    assert clash["status"] == "loaded"
    assert clash["registered"] == {"optimizers": ["clash_unique_sgd"]}
    assert "'lion' is registered by both" in clash["errors"][0]
    assert "nemo-example-plugin" in clash["errors"][0]
    for name in ("nemo-broken-import", "nemo-broken-hook", "nemo-broken-core", "nemo-rival-lion"):
        assert done.stderr.count(f"{name} 0.0.1") == 1, done.stderr

    # Two independent plugins claim 'lion' without override: neither wins, whatever the names.
    assert venv.names("optimizers", "lion") == []
    failed = venv.run(str(TEMPLATE / "train.py"), str(TEMPLATE / "config.yaml"), check=False)
    assert failed.returncode != 0
    assert "'lion' is registered by nemo-example-plugin" in failed.stderr, failed.stderr
    result = _train(venv, NEMO_PLUGINS="-nemo-rival-lion")  # the user's way out
    assert result["optimizer"] == "Lion"
    assert result["loss_after"] < 0.1 * result["loss_before"]
