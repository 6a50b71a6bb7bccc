"""The plugin system seen from a plugin author's and a user's side."""

from __future__ import annotations

import sys
import threading

import pytest

from nemo.core import plugins
from nemo.core.plugins import PluginWarning, RegistrationConflictError, UnknownNameError
from nemo.core.plugins._manager import PluginSystem

GOOD_PLUGIN = """
from nemo.core.plugins import hookimpl

@hookimpl
def nemo_register(registrar):
    registrar.optimizer("lionx", "goodpkg.impl:Lion", params="goodpkg.impl:LionParams",
                        aliases=["lion_x"], description="sign momentum")
    registrar.scheduler("FlatX", "goodpkg.impl:Flat", params="goodpkg.impl:FlatParams")
    registrar.model("GoodModel", "goodpkg.impl:GoodModel")
    registrar.pretrained("good_en", class_="goodpkg.impl:GoodModel",
                         location="/models/good_en.nemo", sha256="ab" * 32,
                         description="a good model")
"""
GOOD_IMPL = """
class Lion: ...
class LionParams: ...
class Flat: ...
class FlatParams: ...
class GoodModel: ...
"""


def _good(plugin_site, name="nemo-good", version="1.2"):
    return plugin_site(
        name,
        version=version,
        plugins={"good": "goodpkg.plugin"},
        modules={"goodpkg.__init__": "", "goodpkg.plugin": GOOD_PLUGIN, "goodpkg.impl": GOOD_IMPL},
    )


def _record(dist):
    return next(r for r in plugins.list_plugins() if r.distribution == dist)


def test_discovered_plugin_registers_every_kind_without_importing_implementations(plugin_site):
    _good(plugin_site)
    plugins.refresh()

    assert "lionx" in plugins.optimizers.names()
    assert "FlatX" in plugins.schedulers.names()
    assert "GoodModel" in plugins.models.names()
    entry = plugins.pretrained.get("good_en")
    assert entry.info["location"] == "/models/good_en.nemo"
    assert entry.provider == "nemo-good"
    assert "goodpkg.impl" not in sys.modules

    lion = plugins.optimizers.load("lionx")
    assert lion.__name__ == "Lion"
    assert plugins.optimizers.get("lionx").load_params().__name__ == "LionParams"
    assert "goodpkg.impl" in sys.modules


def test_lookup_by_alias_and_case_insensitively(plugin_site):
    _good(plugin_site)
    plugins.refresh()
    assert plugins.optimizers.get("lion_x").name == "lionx"
    assert plugins.optimizers.get("LIONX").name == "lionx"
    assert plugins.schedulers.get("flatx").name == "FlatX"


def test_unknown_name_lists_close_matches_and_available_names(plugin_site):
    _good(plugin_site)
    plugins.refresh()
    with pytest.raises(UnknownNameError) as caught:
        plugins.optimizers.get("lionz")
    message = str(caught.value)
    assert "unknown optimizer 'lionz'" in message
    assert "Did you mean: 'lionx'" in message
    assert "lionx" in message.split("Available optimizers:")[1]
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, ValueError)


def test_unknown_name_says_which_installed_distribution_declares_it(plugin_site, monkeypatch):
    _good(plugin_site)
    plugin_site(
        "nemo-declaring",
        plugins={"declaring": "declaring_plugin"},
        modules={"declaring_plugin": "from nemo.core.plugins import hookimpl\n"},
        provides={"models": {"DeclaredModel": "declaring_plugin:DeclaredModel"}},
    )
    monkeypatch.setenv("NEMO_PLUGINS", "-nemo-declaring")
    plugins.refresh()
    with pytest.raises(UnknownNameError) as left_out:
        plugins.models.get("declaredmodel")  # any case
    assert "nemo-declaring declares 'DeclaredModel'" in str(left_out.value)
    assert "disabled: not loaded: NEMO_PLUGINS='-nemo-declaring' leaves it out" in str(
        left_out.value
    )
    monkeypatch.delenv("NEMO_PLUGINS")
    plugins.refresh()
    with pytest.raises(UnknownNameError, match="loaded but did not register it"):
        plugins.models.get("DeclaredModel")
    with pytest.raises(UnknownNameError) as undeclared:
        plugins.models.get("NoSuchModel")
    assert "declares" not in str(undeclared.value) and "pip install" not in str(undeclared.value)


def test_listing_with_fnmatch_patterns(plugin_site):
    _good(plugin_site)
    plugins.refresh()
    assert plugins.optimizers.names("lion*") == ["lionx"]
    assert plugins.optimizers.names("LION_*") == ["lionx"]  # aliases and any case match
    assert plugins.pretrained.names("*_en") == ["good_en"]


def test_plugin_that_cannot_be_imported_is_reported_and_others_keep_working(plugin_site):
    _good(plugin_site)
    plugin_site(
        "nemo-broken",
        version="0.3",
        plugins={"broken": "brokenpkg.plugin"},
        modules={"brokenpkg.__init__": "", "brokenpkg.plugin": "import does_not_exist_xyz\n"},
    )
    with pytest.warns(PluginWarning) as caught:
        plugins.refresh()
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert "nemo-broken 0.3" in messages[0]
    assert "does_not_exist_xyz" in messages[0]
    assert "NEMO_PLUGINS=-nemo-broken" in messages[0]
    assert "pip install" not in messages[0]  # a bare name may resolve to an unrelated project
    assert _record("nemo-broken").status == "failed"
    assert "lionx" in plugins.optimizers.names()


def test_raising_hook_registers_nothing_and_is_reported(plugin_site):
    plugin_site(
        "nemo-raiser",
        plugins={"raiser": "raiser_plugin"},
        modules={
            "raiser_plugin": """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_register(registrar):
                    registrar.optimizer("half_registered", "x:y")
                    raise RuntimeError("boom in hook")
            """
        },
    )
    with pytest.warns(PluginWarning, match=r"nemo-raiser 1.0.*RuntimeError: boom in hook"):
        plugins.refresh()
    assert "half_registered" not in plugins.optimizers
    assert _record("nemo-raiser").status == "failed"


def _rival(plugin_site, name, *, override=False, requires=()):
    """A distribution ``name`` that registers nemo-good's optimizer name 'lionx' too."""
    module = name.replace("-", "_") + "_plugin"
    plugin_site(
        name,
        plugins={"rival": module},
        requires=requires,
        modules={
            module: f"""
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_register(registrar):
                    registrar.optimizer("lionx", "{module}:Other", override={override})
                    registrar.model("{module}_only", "{module}:Other")

                class Other: ...
            """
        },
    )


@pytest.mark.parametrize("rival", ["aaa-rival", "zzz-rival"])  # sorts before and after
def test_independent_plugins_contest_a_name_whatever_their_names_sort(plugin_site, rival):
    _good(plugin_site)
    _rival(plugin_site, rival)
    with pytest.warns(PluginWarning) as caught:
        plugins.refresh()
    [warning] = [str(w.message) for w in caught]
    assert "'lionx'" in warning and "nemo-good" in warning and rival in warning
    with pytest.raises(RegistrationConflictError) as contested:
        plugins.optimizers.get("LIONX")
    assert "nemo-good" in str(contested.value) and rival in str(contested.value)
    assert "lionx" not in plugins.optimizers.names() and "lion_x" not in plugins.optimizers
    assert "lionx" not in [r.name for r in _record("nemo-good").registrations]
    assert plugins.models.get(rival.replace("-", "_") + "_plugin_only").provider == rival
    assert _record(rival).status == "loaded"


@pytest.mark.parametrize("rival", ["aaa-rival", "zzz-rival"])
def test_override_wins_over_an_independent_plugin_and_says_so(plugin_site, rival):
    _good(plugin_site)
    _rival(plugin_site, rival, override=True)
    with pytest.warns(PluginWarning, match=rf"{rival}'s .* is used, not nemo-good's") as caught:
        plugins.refresh()
    assert len(caught) == 1 and "override=True" in str(caught[0].message)
    assert plugins.optimizers.get("lionx").provider == rival
    assert "lion_x" not in plugins.optimizers  # the loser's alias went with it
    assert "lionx" not in [r.name for r in _record("nemo-good").registrations]


@pytest.mark.parametrize("rival", ["aaa-rival", "zzz-rival"])
@pytest.mark.parametrize("override", [False, True])
def test_a_plugin_built_on_another_replaces_its_name_only_with_override(
    plugin_site, rival, override
):
    _good(plugin_site)
    _rival(plugin_site, rival, override=override, requires=["nemo-good>=1"])
    with pytest.warns(PluginWarning) as caught:
        plugins.refresh()
    [warning] = [str(w.message) for w in caught]
    winner, loser = (rival, "nemo-good") if override else ("nemo-good", rival)
    assert f"{winner}'s" in warning and f"not {loser}'s" in warning
    assert f"{rival} depends on nemo-good" in warning
    assert plugins.optimizers.get("lionx").provider == winner
    # the plugin depended on loads first, whatever the names
    order = [r.distribution for r in plugins.list_plugins()]
    assert order.index("nemo-good") < order.index(rival)


def test_a_plugins_fault_does_not_take_down_a_process_where_warnings_are_errors(
    plugin_site, python
):
    site = plugin_site(
        "nemo-broken",
        plugins={"broken": "brokenpkg"},
        modules={"brokenpkg": "import does_not_exist_xyz\n"},
    )
    code = "from nemo.core import plugins; print(len(plugins.optimizers.names()))"
    done = python("-W", "error", "-c", code, env={"PYTHONPATH": str(site)})
    assert done.returncode == 0, done.stderr
    assert "PluginWarning: NeMo plugin 'broken' (nemo-broken 1.0)" in done.stderr
    assert "does_not_exist_xyz" in done.stderr


def test_plugin_requiring_another_core_version_is_refused(plugin_site):
    plugin_site(
        "nemo-future",
        version="9.0",
        plugins={"future": "future_plugin"},
        modules={"future_plugin": "raise SystemExit('must never be imported')\n"},
        requires=["nemo-core>=99", "numpy"],
    )
    with pytest.warns(PluginWarning, match=r"requires nemo-core>=99, but nemo-core 0\.1\.0"):
        plugins.refresh()
    assert _record("nemo-future").status == "incompatible"
    assert "future_plugin" not in sys.modules


def test_core_requirement_under_an_extra_marker_does_not_refuse(plugin_site):
    plugin_site(
        "nemo-extra",
        plugins={"extra": "extra_plugin"},
        modules={"extra_plugin": ""},
        requires=['nemo-core>=99; extra == "future"', "nemo-core>=0.1"],
    )
    plugins.refresh()
    assert _record("nemo-extra").status == "loaded"


def test_unknown_hook_name_is_reported(plugin_site):
    plugin_site(
        "nemo-typo",
        plugins={"typo": "typo_plugin"},
        modules={
            "typo_plugin": """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_regster(registrar):
                    pass
            """
        },
    )
    with pytest.warns(PluginWarning, match=r"'nemo_regster', which is not a nemo hook"):
        plugins.refresh()


def test_disable_autoload_and_allow_list(plugin_site, monkeypatch):
    _good(plugin_site)
    monkeypatch.setenv("NEMO_DISABLE_PLUGIN_AUTOLOAD", "1")
    plugins.refresh()
    assert "lionx" not in plugins.optimizers
    assert "NEMO_DISABLE_PLUGIN_AUTOLOAD" in _record("nemo-good").errors[0]

    monkeypatch.setenv("NEMO_PLUGINS", "nemo-good")
    plugins.refresh()
    assert "lionx" in plugins.optimizers

    monkeypatch.delenv("NEMO_DISABLE_PLUGIN_AUTOLOAD")
    monkeypatch.setenv("NEMO_PLUGINS", "optim")  # entry-point names work too
    plugins.refresh()
    assert "lionx" not in plugins.optimizers
    assert _record("nemo-good").status == "disabled"

    _rival(plugin_site, "nemo-other")
    monkeypatch.setenv("NEMO_PLUGINS", "-good")  # all but the one left out
    plugins.refresh()
    assert _record("nemo-good").status == "disabled"
    assert plugins.optimizers.get("lionx").provider == "nemo-other"


def test_refresh_sees_a_distribution_installed_after_first_use(plugin_site):
    assert "lionx" not in plugins.optimizers
    _good(plugin_site)
    assert "lionx" not in plugins.optimizers  # discovery is cached per process
    plugins.refresh()
    assert "lionx" in plugins.optimizers


def test_runtime_registration_conflicts_override_and_survives_refresh(runtime_registrations):
    class MyOpt: ...

    class MyParams: ...

    plugins.register_optimizer("my_runtime_opt", MyOpt, MyParams)
    assert plugins.optimizers.load("my_runtime_opt") is MyOpt
    assert plugins.optimizers.get("my_runtime_opt").provider == "<runtime>"
    with pytest.raises(RegistrationConflictError, match="override=True"):
        plugins.register_optimizer("my_runtime_opt", object)
    plugins.register_optimizer("my_runtime_opt", dict, override=True)
    plugins.refresh()
    assert plugins.optimizers.load("my_runtime_opt") is dict


def test_runtime_models_and_pretrained_carry_their_fields(runtime_registrations, tmp_path):
    digest = "ab" * 32
    plugins.register_model("RuntimeNet", "core_test_models:TinyRegression", aliases=["rnet"])
    plugins.register_pretrained(
        "runtime_tiny",
        class_="core_test_models:TinyRegression",
        location=str(tmp_path / "tiny.nemo"),
        sha256=digest,
        aliases=["rt"],
        description="a tiny one",
        license="CC-BY-4.0",
    )
    plugins.refresh()  # run-time registrations outlive rediscovery

    model = plugins.models.get("rnet")
    assert (model.name, model.provider) == ("RuntimeNet", "<runtime>")
    checkpoint = plugins.pretrained.get("rt").to_dict()
    assert checkpoint["name"] == "runtime_tiny" and checkpoint["provider"] == "<runtime>"
    assert checkpoint["location"] == str(tmp_path / "tiny.nemo")
    assert (checkpoint["sha256"], checkpoint["license"]) == (digest, "CC-BY-4.0")
    assert checkpoint["description"] == "a tiny one"
    with pytest.raises(ValueError, match="needs a non-empty string name"):
        plugins.register_pretrained("", class_=object, location="x")


def test_discovery_runs_once_under_concurrent_first_use(plugin_site):
    plugin_site(
        "nemo-counter",
        plugins={"counter": "counter_plugin"},
        modules={
            "counter_plugin": """
                import time
                from nemo.core.plugins import hookimpl
                CALLS = []

                @hookimpl
                def nemo_register(registrar):
                    CALLS.append(1)
                    time.sleep(0.05)
                    registrar.model("Counted", "counter_plugin:CALLS")
            """
        },
    )
    system = PluginSystem()
    barrier = threading.Barrier(8)
    seen: list[list[str]] = []

    def use() -> None:
        barrier.wait()
        seen.append(system.registries["models"].names())

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sys.modules["counter_plugin"].CALLS == [1]
    assert all("Counted" in names for names in seen)


def test_hook_results_skip_a_raising_plugin(plugin_site):
    plugin_site(
        "nemo-callbacks",
        plugins={"cb": "cb_plugin"},
        modules={
            "cb_plugin": """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_trainer_callbacks(config):
                    return ["callback-from-" + config["name"]]
            """
        },
    )
    plugin_site(
        "nemo-badcallbacks",
        plugins={"badcb": "badcb_plugin"},
        modules={
            "badcb_plugin": """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_trainer_callbacks(config):
                    raise ValueError("no callbacks today")
            """
        },
    )
    plugins.refresh()
    with pytest.warns(PluginWarning, match=r"nemo-badcallbacks 1.0.*nemo_trainer_callbacks"):
        results = plugins.hook_results("nemo_trainer_callbacks", config={"name": "run"})
    assert ["callback-from-run"] in results


def test_first_resolver_wins_and_builtin_resolves_local_paths(plugin_site, tmp_path):
    plugin_site(
        "nemo-s3",
        plugins={"s3": "s3_plugin"},
        modules={
            "s3_plugin": """
                from pathlib import Path
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_resolve_location(location, cache_dir):
                    if location.startswith("s3://"):
                        return Path(cache_dir) / location.rsplit("/", 1)[-1]
                    return None
            """
        },
    )
    plugins.refresh()
    resolve = plugins.first_hook_result
    got = resolve(
        "nemo_resolve_location", location="s3://b/m.nemo", cache_dir=tmp_path, refresh=False
    )
    assert got == tmp_path / "m.nemo"
    local = tmp_path / "local.nemo"
    assert (
        resolve("nemo_resolve_location", location=str(local), cache_dir=tmp_path, refresh=False)
        == local
    )
    assert (
        resolve("nemo_resolve_location", location=local.as_uri(), cache_dir=tmp_path, refresh=False)
        == local
    )
    assert (
        resolve("nemo_resolve_location", location="gs://x/y", cache_dir=tmp_path, refresh=False)
        is None
    )


def test_a_lazy_reference_that_does_not_resolve_names_the_provider(plugin_site):
    plugin_site(
        "nemo-dangling",
        plugins={"dangling": "dangling_plugin"},
        modules={
            "dangling_plugin": """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_register(registrar):
                    registrar.model("Dangling", "dangling_plugin:NotThere")
            """
        },
    )
    plugins.refresh()
    with pytest.raises(
        ImportError, match=r"model 'Dangling' registered by nemo-dangling.*NotThere"
    ):
        plugins.models.load("Dangling")


def test_get_registry_rejects_unknown_kind():
    with pytest.raises(
        ValueError, match="choose one of models, optimizers, schedulers, tokenizers"
    ):
        plugins.get_registry("datasets")


def test_pretrained_entries_declared_as_typed_data_register_like_keyword_calls(plugin_site):
    plugin_site(
        "nemo-typed",
        plugins={"typed": "typed_plugin"},
        modules={
            "typed_plugin": """
                from nemo.core.plugins import PretrainedEntry, hookimpl

                ENTRIES = (
                    PretrainedEntry("typed_en", class_="typed_plugin:M", location="/m/typed.nemo",
                                    sha256="cd" * 32, size=123, aliases=("typed",)),
                    PretrainedEntry("untyped_en", class_="typed_plugin:M", location="/m/u.nemo"),
                )

                @hookimpl
                def nemo_register(registrar):
                    registrar.pretrained_entries(ENTRIES)

                class M: ...
            """
        },
    )
    plugins.refresh()
    typed = plugins.pretrained.get("typed")
    assert (typed.name, typed.provider) == ("typed_en", "nemo-typed")
    assert typed.info == {"location": "/m/typed.nemo", "sha256": "cd" * 32, "size": 123}
    assert plugins.pretrained.get("untyped_en").info == {"location": "/m/u.nemo", "sha256": None}
