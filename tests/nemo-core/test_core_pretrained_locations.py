"""Where checkpoints may live: local paths, file://, package data, plugin schemes; the CLI."""

from __future__ import annotations

import json
import sys
import zipfile

import pytest
from core_test_pretrained import (
    TINY_MODELS,
    model_files,
    quiet_network_env,
    serving,
    sha256,
    zoo_plugin,
)

from nemo.core import plugins
from nemo.core.pretrained import (
    ChecksumMismatchError,
    LocationError,
    PretrainedModelInfo,
    fetch_pretrained,
    package_location,
)

WEIGHTS = b"tiny weights " * 100


@pytest.fixture(autouse=True)
def _network_env(monkeypatch, tmp_path):
    quiet_network_env(monkeypatch, tmp_path / "env-cache")


def _info(location, **fields):
    return PretrainedModelInfo("tiny_en", "", location, **fields)


def test_local_paths_and_file_urls_are_used_in_place_and_never_copied(tmp_path):
    local = tmp_path / "models" / "tiny.nemo"
    local.parent.mkdir()
    local.write_bytes(WEIGHTS)
    cache = tmp_path / "cache"
    assert fetch_pretrained(_info(str(local), sha256=sha256(WEIGHTS)), cache_dir=cache) == local
    assert fetch_pretrained(_info(local.as_uri()), cache_dir=cache) == local
    assert model_files(cache) == []


def test_a_corrupt_local_file_is_reported_but_never_deleted(tmp_path):
    local = tmp_path / "tiny.nemo"
    local.write_bytes(WEIGHTS)
    with pytest.raises(ChecksumMismatchError, match="left in place"):
        fetch_pretrained(_info(str(local), sha256="0" * 64), cache_dir=tmp_path / "cache")
    assert local.read_bytes() == WEIGHTS


def test_package_data_of_an_installed_distribution_is_used_in_place(plugin_site, tmp_path):
    site = plugin_site(
        "nemo-shipped",
        plugins={"shipped": "shipped_models.plugin"},
        modules={
            "shipped_models.__init__": "",
            "shipped_models.models": TINY_MODELS,
            "shipped_models.plugin": zoo_plugin(
                [
                    {
                        "name": "shipped_en",
                        "class_": "shipped_models.models:TinyModel",
                        "location": package_location("shipped_models", "pretrained/tiny.nemo"),
                        "sha256": sha256(WEIGHTS),
                    }
                ]
            ),
        },
    )
    shipped = site / "shipped_models" / "pretrained" / "tiny.nemo"
    shipped.parent.mkdir()
    shipped.write_bytes(WEIGHTS)
    plugins.refresh()
    from shipped_models.models import TinyModel

    model = TinyModel.from_pretrained("shipped_en", cache_dir=tmp_path / "cache")
    assert model.path == str(shipped)
    assert model.payload == WEIGHTS
    assert model_files(tmp_path / "cache") == []


def test_package_data_inside_a_zip_is_extracted_into_the_cache_once(tmp_path, monkeypatch):
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped_models/__init__.py", "")
        zipped.writestr("zipped_models/pretrained/tiny.nemo", WEIGHTS)
    monkeypatch.syspath_prepend(str(archive))
    info = _info("package://zipped_models/pretrained/tiny.nemo", sha256=sha256(WEIGHTS))
    cache = tmp_path / "cache"
    try:
        path = fetch_pretrained(info, cache_dir=cache)
        assert path == cache / "sha256" / sha256(WEIGHTS) / "tiny.nemo"
        assert path.read_bytes() == WEIGHTS
        stamp = path.stat().st_mtime_ns
        assert fetch_pretrained(info, cache_dir=cache).stat().st_mtime_ns == stamp  # reused
    finally:
        sys.modules.pop("zipped_models", None)


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("package://no_such_package_xyz/m.nemo", r"'no_such_package_xyz'.*cannot be imported"),
        ("package://json/pretrained/missing.nemo", r"package 'json' has no file"),
        ("package://json/../secrets.nemo", r"invalid package location"),
        ("package:///m.nemo", r"invalid package location"),
    ],
)
def test_bad_package_locations_say_what_is_wrong(tmp_path, location, message):
    with pytest.raises(LocationError, match=message) as caught:
        fetch_pretrained(_info(location), cache_dir=tmp_path)
    assert "pretrained model 'tiny_en'" in str(caught.value)


def test_an_unknown_scheme_names_the_fix(tmp_path):
    with pytest.raises(LocationError, match=r"no installed plugin resolves gs:// locations"):
        fetch_pretrained(_info("gs://bucket/tiny.nemo"), cache_dir=tmp_path)


_MEMORY_RESOLVER = """
from pathlib import Path
from nemo.core.plugins import hookimpl

SERVED = {"mem://weights/tiny.nemo": %r, "mem://weights/bad.nemo": b"not the weights"}

@hookimpl
def nemo_resolve_location(location, cache_dir, refresh):
    if not location.startswith("mem://"):
        return None
    target = Path(cache_dir) / location.rsplit("/", 1)[-1]
    if refresh or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(SERVED[location])
    return target
"""


def test_a_plugin_adds_a_scheme_and_gets_the_cache_lock_and_verification(plugin_site, tmp_path):
    plugin_site(
        "nemo-memory",
        plugins={"memory": "memory_resolver"},
        modules={"memory_resolver": _MEMORY_RESOLVER % WEIGHTS},
    )
    plugins.refresh()
    cache = tmp_path / "cache"
    info = _info("mem://weights/tiny.nemo", sha256=sha256(WEIGHTS))
    path = fetch_pretrained(info, cache_dir=cache)
    assert path == cache / "sha256" / sha256(WEIGHTS) / "tiny.nemo"
    assert path.with_name("tiny.nemo.verified").is_file()

    with pytest.raises(ChecksumMismatchError, match="deleted from the cache"):
        fetch_pretrained(_info("mem://weights/bad.nemo", sha256=sha256(WEIGHTS)), cache_dir=cache)
    assert [p.name for p in model_files(cache)] == ["tiny.nemo", "tiny.nemo.verified"]


def test_a_plugin_resolver_is_asked_before_the_builtin_ones(plugin_site, tmp_path):
    local = tmp_path / "mirror.nemo"
    local.write_bytes(WEIGHTS)
    plugin_site(
        "nemo-mirror",
        plugins={"mirror": "mirror_resolver"},
        modules={
            "mirror_resolver": f"""
from nemo.core.plugins import hookimpl

@hookimpl
def nemo_resolve_location(location):
    if location.startswith("https://models.example.org/"):
        return {str(local)!r}
"""
        },
    )
    plugins.refresh()
    info = _info("https://models.example.org/tiny.nemo", sha256=sha256(WEIGHTS))
    assert fetch_pretrained(info, cache_dir=tmp_path / "cache") == local


def _cli_site(tmp_path, new_distribution, url):
    site = tmp_path / "cli-site"
    new_distribution(
        site,
        "nemo-cli-zoo",
        plugins={"zoo": "cli_zoo.plugin"},
        modules={
            "cli_zoo.__init__": "",
            "cli_zoo.models": TINY_MODELS,
            "cli_zoo.plugin": zoo_plugin(
                [
                    {
                        "name": "cli_tiny_en",
                        "class_": "cli_zoo.models:TinyModel",
                        "location": url,
                        "sha256": sha256(WEIGHTS),
                    }
                ]
            ),
        },
    )
    return site


def test_nemo_download_and_nemo_cache(tmp_path, new_distribution, python):
    cache = tmp_path / "cli-cache"
    with serving({"tiny.nemo": WEIGHTS}) as server:
        site = _cli_site(tmp_path, new_distribution, server.url("tiny.nemo"))
        env = {"PYTHONPATH": str(site), "NEMO_CACHE_DIR": str(cache)}
        done = python("-m", "nemo.core.cli", "download", "cli_tiny_en", env=env)
        assert done.returncode == 0, done.stderr
        expected = cache / "sha256" / sha256(WEIGHTS) / "tiny.nemo"
        assert done.stdout.strip() == str(expected)
        assert expected.read_bytes() == WEIGHTS

        missing = python("-m", "nemo.core.cli", "download", "cli_tiny_em", env=env)
        assert missing.returncode == 1
        assert "Did you mean: 'cli_tiny_en'" in missing.stderr

    listed = python("-m", "nemo.core.cli", "cache", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    report = json.loads(listed.stdout)
    assert report["cache_dir"] == str(cache)
    assert report["files"] == [
        {"path": str(expected), "bytes": len(WEIGHTS), "complete": True, "models": ["cli_tiny_en"]}
    ]
    text = python("-m", "nemo.core.cli", "cache", env=env)
    assert "cli_tiny_en" in text.stdout and str(expected) in text.stdout
