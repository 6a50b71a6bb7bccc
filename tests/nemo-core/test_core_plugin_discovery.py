"""Fast plugin discovery gives exactly what importlib.metadata and pluggy give.

Discovery scans ``*.dist-info`` itself and reads plain hook implementations itself (see
``nemo.core.plugins._distributions`` and ``._hookimpls``); these tests hold both to the libraries
they stand in for, on real files and real modules.
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
import textwrap
import zipfile
from pathlib import Path

import pluggy
import pytest

from nemo.core import plugins
from nemo.core.plugins import PluginWarning, hookimpl, hookspec, hookspecs
from nemo.core.plugins._distributions import (
    _scan_sys_path,
    _scan_with_importlib_metadata,
    plugin_entry_points,
)
from nemo.core.plugins._hookimpls import hook_specs, plain_hookimpls
from nemo.core.plugins._records import PluginRecord
from nemo.core.plugins._registry import Registration

GROUP = "nemo.plugins"


def _dist_info(site: Path, dirname: str, *, name: str, entry_points: str, version: str = "1.0"):
    info = site / dirname
    info.mkdir(parents=True)
    (info / ("PKG-INFO" if dirname.endswith(".egg-info") else "METADATA")).write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        "Requires-Dist: nemo-core>=0.1\n\nlong description\nName: not-this\n"
    )
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))


def _as_tuples(found):
    return [
        (ep.name, ep.value, ep.group, info.name, info.version, info.core_requirements)
        for ep, info in found
    ]


@pytest.fixture
def sites(tmp_path, monkeypatch):
    """Two site directories and the working directory ('' on sys.path), all fresh."""
    first, second, cwd = tmp_path / "first", tmp_path / "second", tmp_path / "cwd"
    for site in (first, second, cwd):
        site.mkdir()
    monkeypatch.chdir(cwd)
    entries = ["", str(first), str(tmp_path / "missing"), str(second)]
    monkeypatch.setattr(sys, "path", [*entries, *sys.path])
    yield first, second, cwd
    importlib.invalidate_caches()


def test_fast_scan_finds_what_importlib_metadata_finds_in_the_same_order(sites):
    first, second, cwd = sites
    plain = "[nemo.plugins]\n{name} = {value}\n"
    _dist_info(cwd, "incwd-1.0.dist-info", name="incwd", entry_points=plain.format(
        name="cwd", value="cwd_plugin"))  # fmt: skip
    # The same distribution twice on sys.path: the first one shadows the second.
    _dist_info(first, "nemo_shadowed-2.0.dist-info", name="nemo-shadowed", version="2.0",
               entry_points=plain.format(name="new", value="shadowed_new"))  # fmt: skip
    _dist_info(second, "nemo_shadowed-1.0.dist-info", name="nemo-shadowed",
               entry_points=plain.format(name="old", value="shadowed_old"))  # fmt: skip
    # Names normalise across dots, dashes, underscores and case.
    _dist_info(first, "My.Dotted__Name-1.0.dist-info", name="My.Dotted--Name",
               entry_points=plain.format(name="dotted", value="pkg.sub:obj.attr"))  # fmt: skip
    _dist_info(second, "my_dotted_name-0.1.dist-info", name="my-dotted-name",
               entry_points=plain.format(name="hidden", value="never"))  # fmt: skip
    # An egg-info directory (setup.py develop) and an egg-info *file* that shadows a later one.
    _dist_info(first, "legacy-1.0.egg-info", name="legacy",
               entry_points=plain.format(name="legacy", value="legacy_plugin"))  # fmt: skip
    (first / "shadowfile.egg-info").write_text("Metadata-Version: 1.0\nName: shadowfile\n")
    _dist_info(second, "shadowfile-1.0.dist-info", name="shadowfile",
               entry_points=plain.format(name="shadowed_by_file", value="x"))  # fmt: skip
    # Comments, blank lines, spacing, a line before any section, other groups with extras.
    _dist_info(second, "messy-3.0.dist-info", name="messy", version="3.0", entry_points="""
        orphan = ignored
        # a comment
        [console_scripts]
        messy = messy.cli:main [extra]

        [nemo.plugins]
          spaced   =   messy.plugin : hooks
        second=messy.other
        [nemo.plugins.other]
        nope = messy.nope
    """)  # fmt: skip
    # A distribution without entry points and one without metadata.
    (second / "bare-1.0.dist-info").mkdir()
    importlib.invalidate_caches()

    fast = _scan_sys_path(GROUP)
    assert fast is not None, "this layout must not need importlib.metadata"
    assert _as_tuples(fast) == _as_tuples(_scan_with_importlib_metadata(GROUP))
    names = [ep.name for ep, _ in fast]
    assert {"cwd", "new", "dotted", "legacy", "spaced", "second"} <= set(names)
    assert not {"old", "hidden", "shadowed_by_file", "nope", "orphan"} & set(names)
    spaced = next(ep for ep, _ in fast if ep.name == "spaced")
    assert spaced.value == "messy.plugin : hooks"


def test_fast_entry_points_load_like_importlib_metadata(sites):
    first, _, _ = sites
    (first / "loadme.py").write_text("class Outer:\n    class Inner:\n        pass\n")
    _dist_info(first, "loadme-1.0.dist-info", name="loadme", entry_points="""
        [nemo.plugins]
        module = loadme
        nested = loadme : Outer.Inner
    """)  # fmt: skip
    importlib.invalidate_caches()
    fast = {ep.name: ep.load() for ep, _ in _scan_sys_path(GROUP) or []}
    slow = {ep.name: ep.load() for ep, _ in _scan_with_importlib_metadata(GROUP)}
    assert fast["module"] is slow["module"] is sys.modules["loadme"]
    assert fast["nested"] is slow["nested"] is sys.modules["loadme"].Outer.Inner
    del sys.modules["loadme"]


@pytest.mark.parametrize(
    "layout",
    ["extras", "upper_suffix", "zip_on_path", "egg_on_path", "no_equals", "finder"],
)
def test_unusual_layouts_are_left_to_importlib_metadata(sites, layout, monkeypatch):
    first, _, _ = sites
    _dist_info(first, "fine-1.0.dist-info", name="fine", entry_points="[nemo.plugins]\nf = f\n")
    if layout == "extras":
        _dist_info(first, "odd-1.0.dist-info", name="odd",
                   entry_points="[nemo.plugins]\nodd = odd.plugin [fast]\n")  # fmt: skip
    elif layout == "upper_suffix":
        _dist_info(first, "Upper-1.0.DIST-INFO", name="upper", entry_points="")
    elif layout == "zip_on_path":
        archive = first.parent / "plugins.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1.0\n")
            zf.writestr("zipped-1.0.dist-info/entry_points.txt", "[nemo.plugins]\nz = zipped\n")
        monkeypatch.setattr(sys, "path", [*sys.path, str(archive)])
    elif layout == "egg_on_path":
        egg = first.parent / "thing-1.0.egg"
        egg.mkdir()
        monkeypatch.setattr(sys, "path", [*sys.path, str(egg)])
    elif layout == "no_equals":
        _dist_info(first, "broken-1.0.dist-info", name="broken",
                   entry_points="[console_scripts]\njust a line\n")  # fmt: skip
    elif layout == "finder":

        class DistributionFinder:
            def find_spec(self, *args: object) -> None:
                return None

            def find_distributions(self, *args: object) -> list[object]:
                return []

        monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, DistributionFinder()])
    importlib.invalidate_caches()
    assert _scan_sys_path(GROUP) is None
    if layout == "no_equals":
        with pytest.raises((TypeError, ValueError)):  # importlib.metadata's own verdict
            plugin_entry_points(GROUP)
    else:
        found = _as_tuples(plugin_entry_points(GROUP))
        assert ("f", "f", GROUP, "fine", "1.0", ("nemo-core>=0.1",)) in found
        if layout == "zip_on_path":
            assert any(row[0] == "z" and row[3] == "zipped" for row in found)


# -- hook implementations ---------------------------------------------------------------------

PLAIN = """
from nemo.core.plugins import hookimpl

@hookimpl(tryfirst=True)
def nemo_register(registrar):
    pass

@hookimpl(specname="nemo_resolve_location")
def resolve(location, cache_dir, refresh=False):
    return None

@hookimpl
def nemo_trainer_loggers(config):
    return []

@hookimpl
def nemo_not_a_hook(x, y):
    pass

@hookimpl
def helper_marked(anything):
    pass

def unmarked(registrar):
    pass

NOT_A_FUNCTION = {"nemo_impl": "looks like a marker"}
"""


def _module(tmp_path: Path, name: str, source: str):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.invalidate_caches()
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))
        del sys.modules[name]


def _pluggy_view(plugin):
    pm = pluggy.PluginManager("nemo")
    pm.add_hookspecs(hookspecs)
    pm.register(plugin, name="p")
    return sorted(
        (caller.name, impl.function.__name__, impl.argnames)
        for caller in pm.get_hookcallers(plugin) or ()
        for impl in caller.get_hookimpls()
    )


def test_plain_hook_implementations_are_read_as_pluggy_reads_them(tmp_path):
    module = _module(tmp_path, "plain_plugin_mod", PLAIN)
    impls = plain_hookimpls(module, hook_specs(hookspecs) or {})
    assert impls is not None
    ours = sorted((impl.hook, impl.function.__name__, impl.argnames) for impl in impls)
    assert ours == _pluggy_view(module)
    assert ("nemo_resolve_location", "resolve", ("location", "cache_dir")) in ours


@pytest.mark.parametrize(
    "source",
    [
        # a hook wrapper: pluggy's calling convention
        "@hookimpl(wrapper=True)\ndef nemo_register(registrar):\n    yield\n",
        # an argument the spec does not have: pluggy words the error
        "@hookimpl\ndef nemo_register(registrar, extra):\n    pass\n",
        # a decorated implementation: pluggy unwraps it
        "import functools\n"
        "def deco(f):\n    @functools.wraps(f)\n    def inner(*a):\n        return f(*a)\n"
        "    return inner\n"
        "@hookimpl\n@deco\ndef nemo_register(registrar):\n    pass\n",
        # a marked static method at module level
        "@hookimpl\n@staticmethod\ndef nemo_register(registrar):\n    pass\n",
        # two implementations of one hook: their order is pluggy's
        "@hookimpl\ndef nemo_register(registrar):\n    pass\n"
        "@hookimpl(specname='nemo_register')\ndef again(registrar):\n    pass\n",
    ],
)
def test_anything_else_is_left_to_pluggy(tmp_path, source):
    header = "from nemo.core.plugins import hookimpl\n"
    module = _module(tmp_path, "unusual_plugin_mod", header + source)
    assert plain_hookimpls(module, hook_specs(hookspecs) or {}) is None


def test_a_plugin_object_other_than_a_module_goes_through_pluggy(plugin_site):
    plugin_site(
        "nemo-objplugin",
        plugins={"obj": "obj_plugin:PLUGIN", "bad": "obj_plugin_bad"},
        modules={
            "obj_plugin": """
                from nemo.core.plugins import hookimpl

                class Plugin:
                    @hookimpl
                    def nemo_register(self, registrar):
                        registrar.model("FromAnObject", "obj_plugin:Plugin")

                PLUGIN = Plugin()
            """,
            "obj_plugin_bad": """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_register(registrar, surprise):
                    pass
            """,
        },
    )
    with pytest.warns(
        PluginWarning, match=r"(?s)has an invalid hook: PluginValidationError.*surprise"
    ):
        plugins.refresh()
    assert plugins.models.get("FromAnObject").provider == "nemo-objplugin"
    records = {r.name: r for r in plugins.list_plugins() if r.distribution == "nemo-objplugin"}
    assert records["obj"].hooks == ["nemo_register"] and records["obj"].status == "loaded"
    assert records["bad"].status == "failed"


def test_listing_imports_no_pluggy_metadata_or_heavy_library(tmp_path, new_distribution, python):
    site = tmp_path / "site"
    new_distribution(
        site,
        "nemo-lazy",
        plugins={"lazy": "lazy_plugin"},
        modules={
            "lazy_plugin": """
                from nemo.core.plugins import hookimpl

                @hookimpl
                def nemo_register(registrar):
                    registrar.model("LazyModel", "lazy_impl:Model")

                @hookimpl(tryfirst=True)
                def nemo_resolve_location(location):
                    return "lazy:" + location if location.startswith("lazy://") else None
            """
        },
    )
    code = """
import json, sys
from nemo.core import plugins
listed = {kind: plugins.get_registry(kind).names() for kind in plugins.KINDS}
heavy = ("pluggy", "importlib.metadata", "lazy_impl", "torch", "pytorch_lightning", "hydra",
         "omegaconf", "yaml")
before = sorted(m for m in heavy if m in sys.modules)
resolved = plugins.first_hook_result(
    "nemo_resolve_location", location="lazy://m", cache_dir=".", refresh=False)
manager = plugins.get_plugin_manager()
print(json.dumps({
    "models": listed["models"], "before": before, "resolved": resolved,
    "registered": sorted(name for name, _ in manager.list_name_plugin()),
    "loaded": sorted(r.distribution + "::" + r.name for r in plugins.list_plugins()
                     if r.status == "loaded"),
}))
"""
    done = python("-c", code, env={"PYTHONPATH": str(site)})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "LazyModel" in result["models"]
    assert result["before"] == []
    assert result["resolved"] == "lazy:lazy://m"
    assert result["registered"] == result["loaded"]  # every loaded plugin, built on first use


# -- the markers and the value classes -----------------------------------------------------


def test_markers_write_exactly_what_pluggys_markers_write():
    theirs_impl, theirs_spec = pluggy.HookimplMarker("nemo"), pluggy.HookspecMarker("nemo")
    for kwargs in ({}, {"tryfirst": True}, {"specname": "x", "optionalhook": True}):

        def ours_f() -> None: ...

        def theirs_f() -> None: ...

        hookimpl(**kwargs)(ours_f)
        theirs_impl(**kwargs)(theirs_f)
        assert ours_f.nemo_impl == theirs_f.nemo_impl  # type: ignore[attr-defined]
    for kwargs in ({}, {"firstresult": True}):

        def ours_s() -> None: ...

        def theirs_s() -> None: ...

        hookspec(**kwargs)(ours_s)
        theirs_spec(**kwargs)(theirs_s)
        assert ours_s.nemo_spec == theirs_s.nemo_spec  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="historic firstresult"):
        hookspec(firstresult=True, historic=True)(lambda: None)


def test_registrations_and_records_are_plain_values():
    first = Registration("models", "M", "pkg:M", aliases=("m",), provider="dist")
    same = Registration(kind="models", name="M", target="pkg:M", aliases=("m",), provider="dist")
    assert first == same and first != Registration("models", "N", "pkg:M")
    assert repr(first).startswith("Registration(kind='models', name='M', target='pkg:M'")
    assert first.info == {} and first.params is None and first.description == ""
    with pytest.raises(AttributeError, match="immutable"):
        first.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(first)  # its info is a dict, as with the frozen dataclass it replaces
    record = PluginRecord("p", "dist", "1.0", "mod")
    record.errors.append("e")
    assert PluginRecord("p", "dist", "1.0", "mod").errors == []
    assert record != PluginRecord("p", "dist", "1.0", "mod")
    assert "errors=['e']" in repr(record)


def test_hook_specs_of_a_non_plain_spec_module_are_refused():
    class Specs:
        @hookspec(historic=True)
        def nemo_later(self, arg: object) -> None: ...

    module = type(sys)("specs_mod")
    module.nemo_later = functools.partial(print)  # not a function: ignored
    assert hook_specs(module) == {}
    module.nemo_hist = Specs.nemo_later
    assert hook_specs(module) is None


# -- requirement parsing: the stand-ins against packaging on the same lines ------------------

REQUIREMENT_LINES = [
    "nemo-core>=0.1,<0.2",
    "nemo_core (>=0.1)",
    "Nemo.Core~=0.1.0",
    "nemo-core==0.1.*",
    "nemo-core>=0.1; python_version >= '3.8'",
    "nemo-core>=0.3; extra == 'dev'",
    "nemo-core[onnx]>=0.1,!=0.1.5",
    "nemo-core-extras>=9",
    "nemo-core>=0.2rc1",
    "nemo-core<=0.1.0",
    "nemo-core>0.1",
    "nemo-core!=0.1.0",
    "nemo-core===0.1.0",
    "torch>=2.4",
    "some__odd..Name-x>=1",
]
CORE_VERSIONS = ["0.1.0", "0.1", "0.1.5", "0.2.0", "0.1.0rc1", "0.1.0.post1", "1.0"]


@pytest.mark.parametrize("line", REQUIREMENT_LINES)
def test_requirement_names_are_packagings(line):
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    from nemo.core.plugins._distributions import canonical_name, parse_info

    info = parse_info(f"Metadata-Version: 2.1\nName: x\nVersion: 1\nRequires-Dist: {line}\n")
    requirement = Requirement(line)
    # packaging's answer to "required without any extra" (every line here has either no marker,
    # one that holds on this interpreter, or an extra)
    always = requirement.marker is None or requirement.marker.evaluate({"extra": ""})
    expected_requires = (canonicalize_name(requirement.name),) if always else ()
    assert info.requires == expected_requires
    assert canonical_name(requirement.name) == canonicalize_name(requirement.name)


@pytest.mark.parametrize("version", CORE_VERSIONS)
@pytest.mark.parametrize("line", [line for line in REQUIREMENT_LINES if "nemo" in line.lower()])
def test_core_requirement_check_agrees_with_packaging(line, version):
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    from nemo.core.plugins._distributions import DistributionInfo, core_requirement_problem

    requirement = Requirement(line)
    applies = canonicalize_name(requirement.name) == "nemo-core" and (
        requirement.marker is None or requirement.marker.evaluate({"extra": ""})
    )
    expected_ok = not applies or requirement.specifier.contains(version, prereleases=True)
    problem = core_requirement_problem(DistributionInfo("x", "1", (line,)), version)
    assert (problem is None) == expected_ok, problem
