"""Fetching pretrained models over real HTTP (a server on 127.0.0.1): cache, resume, errors."""

from __future__ import annotations

import os
import pty

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
    DownloadError,
    OfflineError,
    PretrainedModelInfo,
    fetch_pretrained,
)
from nemo.core.pretrained._progress import Progress

PAYLOAD = bytes(range(256)) * 1200  # 300 kB: several chunks


@pytest.fixture(autouse=True)
def _network_env(monkeypatch, tmp_path):
    quiet_network_env(monkeypatch, tmp_path / "env-cache")


@pytest.fixture
def server():
    with serving({"tiny.nemo": PAYLOAD}) as state:
        yield state


def _info(url, *, digest=None, name="tiny_en", **fields):
    return PretrainedModelInfo(name, "a tiny model", url, sha256=digest, **fields)


def test_from_pretrained_downloads_once_into_a_content_addressed_cache(
    plugin_site, server, tmp_path
):
    digest = sha256(PAYLOAD)
    entry = {
        "name": "tiny_en",
        "class_": "tinyzoo.models:TinyModel",
        "location": server.url("tiny.nemo"),
        "sha256": digest,
        "description": "tiny",
    }
    plugin_site(
        "nemo-tinyzoo",
        plugins={"zoo": "tinyzoo.plugin"},
        modules={
            "tinyzoo.__init__": "",
            "tinyzoo.plugin": zoo_plugin([entry]),
            "tinyzoo.models": TINY_MODELS,
        },
    )
    plugins.refresh()
    from tinyzoo.models import TinyModel

    cache = tmp_path / "cache"
    model = TinyModel.from_pretrained("tiny_en", cache_dir=cache, map_location="cpu", strict=False)

    assert model.payload == PAYLOAD
    assert model.path == str(cache / "sha256" / digest / "tiny.nemo")
    assert model.options == {
        "override_config_path": None,
        "map_location": "cpu",
        "strict": False,
        "trainer": None,
    }
    assert len(server.gets("tiny.nemo")) == 1

    again = TinyModel.from_pretrained("tiny_en", cache_dir=cache)
    assert again.path == model.path
    assert len(server.gets("tiny.nemo")) == 1  # served from the cache

    config = TinyModel.from_pretrained("tiny_en", cache_dir=cache, return_config=True)
    assert config["config_of"] == model.path

    TinyModel.from_pretrained("tiny_en", cache_dir=cache, refresh_cache=True)
    assert len(server.gets("tiny.nemo")) == 2
    assert model_files(cache) == [
        cache / "sha256" / digest / "tiny.nemo",
        cache / "sha256" / digest / "tiny.nemo.verified",
    ]


def test_cache_dir_argument_beats_nemo_cache_dir_which_beats_the_default(
    server, tmp_path, monkeypatch
):
    info = _info(server.url("tiny.nemo"), digest=sha256(PAYLOAD))
    monkeypatch.setenv("NEMO_CACHE_DIR", str(tmp_path / "from-env"))
    assert fetch_pretrained(info).is_relative_to(tmp_path / "from-env")
    chosen = fetch_pretrained(info, cache_dir=tmp_path / "chosen")
    assert chosen.is_relative_to(tmp_path / "chosen")
    assert chosen.read_bytes() == PAYLOAD

    monkeypatch.setenv("NEMO_CACHE_DIR", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    default = fetch_pretrained(info)
    assert default.is_relative_to(tmp_path / "home" / ".cache" / "torch" / "NeMo" / "cache-v1")


def test_mirrors_of_one_file_share_its_cache_entry(server, tmp_path):
    server.files["mirror/tiny.nemo"] = PAYLOAD
    digest = sha256(PAYLOAD)
    first = fetch_pretrained(_info(server.url("tiny.nemo"), digest=digest), cache_dir=tmp_path)
    second = fetch_pretrained(
        _info(server.url("mirror/tiny.nemo"), digest=digest, name="mirror"), cache_dir=tmp_path
    )
    assert second == first
    assert server.gets("mirror/tiny.nemo") == []


def test_without_a_digest_the_entry_is_keyed_by_location(server, tmp_path):
    server.files["other/tiny.nemo"] = b"another model"
    one = fetch_pretrained(_info(server.url("tiny.nemo")), cache_dir=tmp_path)
    two = fetch_pretrained(_info(server.url("other/tiny.nemo")), cache_dir=tmp_path)
    assert one.parent.parent == tmp_path / "location"
    assert one != two
    assert (one.read_bytes(), two.read_bytes()) == (PAYLOAD, b"another model")
    assert not one.with_name("tiny.nemo.verified").exists()  # nothing to verify against


def test_a_dropped_connection_is_resumed_with_a_range_request(server, tmp_path):
    server.drop_after = 100_000
    path = fetch_pretrained(
        _info(server.url("tiny.nemo"), digest=sha256(PAYLOAD)), cache_dir=tmp_path
    )
    assert path.read_bytes() == PAYLOAD
    first, second = server.gets("tiny.nemo")
    assert first.range is None
    assert second.range == "bytes=100000-"
    assert second.if_range == server.etag("tiny.nemo")


def test_a_stalled_connection_times_out_and_resumes(server, tmp_path, monkeypatch):
    monkeypatch.setenv("NEMO_DOWNLOAD_TIMEOUT", "0.3")
    server.stall_after, server.stall_seconds = 50_000, 1.5
    path = fetch_pretrained(
        _info(server.url("tiny.nemo"), digest=sha256(PAYLOAD)), cache_dir=tmp_path
    )
    assert path.read_bytes() == PAYLOAD
    assert [r.range for r in server.gets("tiny.nemo")] == [None, "bytes=50000-"]


def test_a_partial_download_survives_the_process_and_the_next_call_resumes(
    server, tmp_path, monkeypatch
):
    monkeypatch.setenv("NEMO_DOWNLOAD_ATTEMPTS", "1")
    server.drop_after = 120_000
    info = _info(server.url("tiny.nemo"), digest=sha256(PAYLOAD))
    with pytest.raises(DownloadError, match=r"failed after 1 attempt.*120000 bytes are kept"):
        fetch_pretrained(info, cache_dir=tmp_path)
    assert [p.name for p in model_files(tmp_path)] == ["tiny.nemo.part", "tiny.nemo.part.validator"]

    path = fetch_pretrained(info, cache_dir=tmp_path)
    assert path.read_bytes() == PAYLOAD
    assert server.gets("tiny.nemo")[-1].range == "bytes=120000-"
    assert [p.name for p in model_files(tmp_path)] == ["tiny.nemo", "tiny.nemo.verified"]


def test_a_file_changed_on_the_server_is_not_glued_to_the_old_partial_one(
    server, tmp_path, monkeypatch
):
    monkeypatch.setenv("NEMO_DOWNLOAD_ATTEMPTS", "1")
    server.drop_after = 120_000
    with pytest.raises(DownloadError):
        fetch_pretrained(_info(server.url("tiny.nemo")), cache_dir=tmp_path)
    server.files["tiny.nemo"] = updated = PAYLOAD[::-1]

    path = fetch_pretrained(_info(server.url("tiny.nemo")), cache_dir=tmp_path)
    assert path.read_bytes() == updated  # If-Range failed: the server sent the whole new file
    assert server.gets("tiny.nemo")[-1].range == "bytes=120000-"


def test_corrupt_bytes_raise_a_clear_error_and_leave_nothing_in_the_cache(server, tmp_path):
    server.corrupt = True
    digest = sha256(PAYLOAD)
    with pytest.raises(ChecksumMismatchError) as caught:
        fetch_pretrained(_info(server.url("tiny.nemo"), digest=digest), cache_dir=tmp_path)
    message = str(caught.value)
    assert "pretrained model 'tiny_en'" in message
    assert f"but {digest} was registered" in message
    assert "deleted from the cache" in message
    assert model_files(tmp_path) == []

    server.corrupt = False  # the source is fixed: the next call downloads afresh
    assert fetch_pretrained(_info(server.url("tiny.nemo"), digest=digest), cache_dir=tmp_path)


def test_a_registered_size_is_checked_too(server, tmp_path):
    info = _info(server.url("tiny.nemo"), size=len(PAYLOAD) + 1)
    with pytest.raises(ChecksumMismatchError, match=rf"size is {len(PAYLOAD)} bytes, but"):
        fetch_pretrained(info, cache_dir=tmp_path)
    assert model_files(tmp_path) == []


def test_server_errors_are_retried_with_back_off(server, tmp_path):
    server.statuses = [503, 500]
    path = fetch_pretrained(_info(server.url("tiny.nemo")), cache_dir=tmp_path)
    assert path.read_bytes() == PAYLOAD
    assert len(server.gets("tiny.nemo")) == 3


def test_retries_give_up_after_the_configured_attempts(server, tmp_path, monkeypatch):
    monkeypatch.setenv("NEMO_DOWNLOAD_ATTEMPTS", "2")
    server.statuses = [503, 503, 503]
    with pytest.raises(DownloadError, match=r"failed after 2 attempts: HTTP 503"):
        fetch_pretrained(_info(server.url("tiny.nemo")), cache_dir=tmp_path)
    assert len(server.gets("tiny.nemo")) == 2


def test_a_missing_file_is_not_retried_and_says_the_location_is_outdated(server, tmp_path):
    with pytest.raises(DownloadError, match=r"HTTP 404.*outdated or wrong") as caught:
        fetch_pretrained(_info(server.url("gone.nemo")), cache_dir=tmp_path)
    assert not isinstance(caught.value, OfflineError)
    assert len(server.gets("gone.nemo")) == 1


def test_an_unreachable_host_says_so_and_how_to_work_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("NEMO_DOWNLOAD_ATTEMPTS", "2")
    with serving() as closed:
        url = closed.url("tiny.nemo")
    with pytest.raises(DownloadError) as caught:
        fetch_pretrained(_info(url), cache_dir=tmp_path)
    message = str(caught.value)
    assert "unreachable or this machine is offline" in message
    assert "NEMO_OFFLINE=1" in message
    assert "2 attempts" in message


def test_offline_mode_uses_the_cache_or_says_what_to_do_without_touching_the_network(
    server, tmp_path, monkeypatch
):
    info = _info(server.url("tiny.nemo"), digest=sha256(PAYLOAD))
    monkeypatch.setenv("NEMO_OFFLINE", "1")
    with pytest.raises(OfflineError) as caught:
        fetch_pretrained(info, cache_dir=tmp_path)
    expected = tmp_path / "sha256" / sha256(PAYLOAD) / "tiny.nemo"
    assert "NEMO_OFFLINE is set" in str(caught.value)
    assert str(expected) in str(caught.value)
    assert server.requests == []

    monkeypatch.setenv("NEMO_OFFLINE", "0")
    downloaded = fetch_pretrained(info, cache_dir=tmp_path)
    monkeypatch.setenv("NEMO_OFFLINE", "true")
    assert fetch_pretrained(info, cache_dir=tmp_path) == downloaded == expected
    with pytest.raises(OfflineError, match="refresh_cache=True asks for a fresh download"):
        fetch_pretrained(info, cache_dir=tmp_path, refresh=True)
    assert len(server.requests) == 1


def test_download_settings_from_the_environment_are_validated(server, tmp_path, monkeypatch):
    monkeypatch.setenv("NEMO_DOWNLOAD_ATTEMPTS", "many")
    with pytest.raises(ValueError, match=r"NEMO_DOWNLOAD_ATTEMPTS='many' is not an integer >= 1"):
        fetch_pretrained(_info(server.url("tiny.nemo")), cache_dir=tmp_path)


def test_progress_is_drawn_on_a_terminal_only(tmp_path):
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as terminal:
        progress = Progress("tiny.nemo", total=4_000_000, stream=terminal)
        progress.update(1_000_000)
        progress.close()
    drawn = os.read(leader, 4096).decode()
    os.close(leader)
    assert "tiny.nemo" in drawn
    assert "1.0/4.0 MB" in drawn
    assert "25%" in drawn

    with (tmp_path / "log.txt").open("w") as not_a_terminal:
        progress = Progress("tiny.nemo", total=10, stream=not_a_terminal)
        progress.update(10)
        progress.close()
    assert (tmp_path / "log.txt").read_text() == ""


def test_a_cache_that_cannot_be_written_says_where_to_point_it(server, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache should be")
    with pytest.raises(DownloadError, match=r"cannot create the cache directory.*NEMO_CACHE_DIR"):
        fetch_pretrained(_info(server.url("tiny.nemo")), cache_dir=blocker / "cache")
    assert server.requests == []
