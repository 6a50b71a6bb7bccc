"""Processes that ask for one model at the same time download it once (a file lock)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from core_test_pretrained import model_files, quiet_network_env, serving, sha256

PAYLOAD = os.urandom(200_000)
PROCESSES = 3

_FETCH = """
import sys
import urllib.request
from pathlib import Path
from nemo.core import plugins
from nemo.core.pretrained import PretrainedModelInfo, fetch_pretrained

url, digest, ready = sys.argv[1:4]
info = PretrainedModelInfo("shared_en", "", url, sha256=digest)
plugins.pretrained.names()  # discovery and imports done: fetching starts right away
Path(ready).touch()
print(fetch_pretrained(info))
"""


@pytest.fixture(autouse=True)
def _network_env(monkeypatch, tmp_path):
    quiet_network_env(monkeypatch, tmp_path / "cache")


def test_concurrent_processes_download_a_model_once(tmp_path):
    ready = tmp_path / "ready"
    ready.mkdir()

    def hold_until_everyone_is_fetching() -> None:
        # Without the lock, every process that is ready would find no cached file and send its
        # own request while this one is held open.
        deadline = time.monotonic() + 60
        while len(list(ready.iterdir())) < PROCESSES and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)

    with serving({"shared.nemo": PAYLOAD}) as server:
        server.before_body = hold_until_everyone_is_fetching
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _FETCH,
                    server.url("shared.nemo"),
                    sha256(PAYLOAD),
                    str(ready / str(i)),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=os.environ.copy(),
            )
            for i in range(PROCESSES)
        ]
        results = [child.communicate(timeout=120) for child in children]

    for child, (_, stderr) in zip(children, results, strict=True):
        assert child.returncode == 0, stderr
    paths = {stdout.strip() for stdout, _ in results}
    expected = tmp_path / "cache" / "sha256" / sha256(PAYLOAD) / "shared.nemo"
    assert paths == {str(expected)}
    assert expected.read_bytes() == PAYLOAD
    assert len(server.gets("shared.nemo")) == 1
    assert [p.name for p in model_files(tmp_path / "cache")] == [
        "shared.nemo",
        "shared.nemo.verified",
    ]
