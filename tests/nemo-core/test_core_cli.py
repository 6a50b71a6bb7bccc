"""The ``nemo`` command, run as users run it: in a subprocess."""

from __future__ import annotations

import hashlib
import json

CLI_PLUGIN = """
from nemo.core.plugins import hookimpl

@hookimpl
def nemo_add_cli_commands(subparsers):
    hello = subparsers.add_parser("hello", help="say hello")
    hello.add_argument("who")
    hello.set_defaults(handler="cli_plugin_impl:hello")

@hookimpl
def nemo_register(registrar):
    registrar.optimizer("cli_opt", "cli_plugin_impl:Opt", aliases=["cliopt"])
    registrar.optimizer("other_opt", "cli_plugin_impl:Opt")
    registrar.pretrained("cli_model_en", class_="cli_plugin_impl:Opt", location="/m/cli.nemo")
"""
CLI_IMPL = """
def hello(args):
    print(f"hello {args.who}")
    return 3

class Opt: ...
"""
CLASHING_CLI_PLUGIN = """
from nemo.core.plugins import hookimpl

@hookimpl
def nemo_add_cli_commands(subparsers):
    subparsers.add_parser("plugins")
"""


def _site(tmp_path, new_distribution):
    site = tmp_path / "site"
    new_distribution(
        site,
        "nemo-cli-demo",
        version="2.0",
        plugins={"cli": "cli_plugin"},
        modules={"cli_plugin": CLI_PLUGIN, "cli_plugin_impl": CLI_IMPL},
    )
    return {"PYTHONPATH": str(site)}


def _nemo(python, *args, env):
    return python("-m", "nemo.core.cli", *args, env=env)


def test_plugins_json_shows_each_distribution(tmp_path, new_distribution, python):
    env = _site(tmp_path, new_distribution)
    done = _nemo(python, "plugins", "--json", env=env)
    assert done.returncode == 0, done.stderr
    records = {r["distribution"]: r for r in json.loads(done.stdout)}
    demo = records["nemo-cli-demo"]
    assert demo["version"] == "2.0"
    assert demo["status"] == "loaded"
    assert demo["hooks"] == ["nemo_add_cli_commands", "nemo_register"]
    assert demo["registered"] == {
        "optimizers": ["cli_opt", "other_opt"],
        "pretrained": ["cli_model_en"],
    }
    assert records["nemo-core"]["status"] == "loaded"


def test_plugins_text_output(tmp_path, new_distribution, python):
    done = _nemo(python, "plugins", env=_site(tmp_path, new_distribution))
    assert done.returncode == 0, done.stderr
    assert "nemo-cli-demo 2.0  [cli = cli_plugin]" in done.stdout
    assert "optimizers (2): cli_opt, other_opt" in done.stdout


def test_list_with_pattern_text_and_json(tmp_path, new_distribution, python):
    env = _site(tmp_path, new_distribution)
    text = _nemo(python, "list", "optimizers", "cli*", env=env)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["name", "aliases", "implementation", "provider"]
    assert lines[2].split() == ["cli_opt", "cliopt", "cli_plugin_impl:Opt", "nemo-cli-demo"]
    assert len(lines) == 3

    listed = json.loads(_nemo(python, "list", "pretrained", "--json", env=env).stdout)
    entry = next(e for e in listed if e["name"] == "cli_model_en")
    assert entry["location"] == "/m/cli.nemo"
    assert entry["target"] == "cli_plugin_impl:Opt"


def test_plugin_subcommand_runs_its_lazy_handler(tmp_path, new_distribution, python):
    done = _nemo(python, "hello", "world", env=_site(tmp_path, new_distribution))
    assert done.stdout == "hello world\n"
    assert done.returncode == 3


def test_a_plugin_taking_a_builtin_command_name_is_reported_not_fatal(
    tmp_path, new_distribution, python
):
    site = tmp_path / "site"
    new_distribution(
        site,
        "nemo-clash-cli",
        plugins={"c": "clash_cli"},
        modules={"clash_cli": CLASHING_CLI_PLUGIN},
    )
    done = _nemo(python, "plugins", env={"PYTHONPATH": str(site)})
    assert done.returncode == 0, done.stderr
    assert "nemo-clash-cli 1.0" in done.stderr and "nemo_add_cli_commands" in done.stderr
    assert "nemo-core" in done.stdout


def test_unknown_kind_is_a_usage_error(python):
    done = _nemo(python, "list", "datasets", env={})
    assert done.returncode == 2
    assert "invalid choice: 'datasets'" in done.stderr


def test_no_command_prints_help(python):
    done = _nemo(python, env={})
    assert done.returncode == 2
    assert "plugins" in done.stdout and "list" in done.stdout


def test_hash_prints_what_registrar_pretrained_needs(tmp_path, python):
    archive = tmp_path / "model.nemo"
    archive.write_bytes(b"not really an archive, but bytes to hash" * 1000)
    expected = hashlib.sha256(archive.read_bytes()).hexdigest()
    done = python("-m", "nemo.core.cli", "hash", str(archive), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"path": str(archive), "sha256": expected, "size": archive.stat().st_size}
    ]
    text = python("-m", "nemo.core.cli", "hash", str(archive))
    assert text.stdout.split() == [expected, str(archive.stat().st_size), str(archive)]
    missing = python("-m", "nemo.core.cli", "hash", str(tmp_path / "absent.nemo"))
    assert missing.returncode == 1 and "absent.nemo: no such file" in missing.stderr
