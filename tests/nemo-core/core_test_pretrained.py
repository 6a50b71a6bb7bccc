"""A real HTTP file server and a tiny model zoo for the pretrained-model tests."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# A model class with NeMo's restore_from signature that reads a plain file, so that these tests
# do not depend on ModelPT and .nemo archives.
TINY_MODELS = """
from pathlib import Path

from nemo.core.classes._pretrained import PretrainedMixin


class TinyModel(PretrainedMixin):
    def __init__(self, path, payload, options):
        self.path = path
        self.payload = payload
        self.options = options

    @classmethod
    def restore_from(cls, restore_path, override_config_path=None, map_location=None,
                     strict=True, return_config=False, trainer=None):
        options = dict(override_config_path=override_config_path, map_location=map_location,
                       strict=strict, trainer=trainer)
        if return_config:
            return {"config_of": restore_path, **options}
        return cls(restore_path, Path(restore_path).read_bytes(), options)


class TinyChild(TinyModel):
    pass
"""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Request:
    path: str
    range: str | None
    if_range: str | None


@dataclass
class FileServer:
    """Serves in-memory files over real HTTP on 127.0.0.1, misbehaving on demand.

    * ``statuses``: error statuses answered (in order) before anything is served;
    * ``drop_after``: send the full Content-Length, then only this many bytes, then close (once);
    * ``stall_after``: send this many bytes, then stall ``stall_seconds`` (once);
    * ``corrupt``: flip the bytes of every body;
    * ``before_body``: called before a body is sent (to hold a download open).
    """

    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    drop_after: int | None = None
    stall_after: int | None = None
    stall_seconds: float = 0.0
    corrupt: bool = False
    before_body: Callable[[], None] | None = None
    port: int = 0

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def etag(self, name: str) -> str:
        return f'"{sha256(self.files[name])[:16]}"'

    def gets(self, name: str) -> list[Request]:
        return [r for r in self.requests if r.path == f"/{name}"]


def _handler(server: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            server.requests.append(
                Request(self.path, self.headers.get("Range"), self.headers.get("If-Range"))
            )
            if server.statuses:
                self.send_response(server.statuses.pop(0))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            name = self.path.lstrip("/")
            if name not in server.files:
                self.send_error(404)
                return
            data = server.files[name]
            if server.corrupt:
                data = bytes(b ^ 0xFF for b in data)
            start = 0
            wanted = re.match(r"bytes=(\d+)-$", self.headers.get("Range") or "")
            if_range = self.headers.get("If-Range")
            if wanted and (if_range is None or if_range == server.etag(name)):
                start = int(wanted.group(1))
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(len(data) - start))
            self.send_header("ETag", server.etag(name))
            self.end_headers()
            if server.before_body is not None:
                server.before_body()
            body = data[start:]
            if server.drop_after is not None:
                cut, server.drop_after = server.drop_after, None
                self.wfile.write(body[:cut])
                self.close_connection = True
                return
            if server.stall_after is not None:
                cut, server.stall_after = server.stall_after, None
                self.wfile.write(body[:cut])
                self.wfile.flush()
                time.sleep(server.stall_seconds)
                body = body[cut:]
            self.wfile.write(body)

    return Handler


@contextmanager
def serving(files: dict[str, bytes] | None = None) -> Iterator[FileServer]:
    state = FileServer(files=dict(files or {}))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def zoo_plugin(entries: Sequence[dict[str, Any]]) -> str:
    """The source of a plugin module registering ``entries`` (``registrar.pretrained`` kwargs)."""
    calls = "".join(f"    registrar.pretrained(**{dict(entry)!r})\n" for entry in entries)
    header = "from nemo.core.plugins import hookimpl\n\n@hookimpl\ndef nemo_register(registrar):\n"
    return header + (calls or "    pass\n")


def quiet_network_env(monkeypatch: Any, cache: Path) -> None:
    """Fast retries, no proxy for 127.0.0.1, online, and a cache that is not the user's."""
    monkeypatch.setenv("NEMO_DOWNLOAD_BACKOFF", "0.01")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("NEMO_OFFLINE", raising=False)
    monkeypatch.delenv("NEMO_DOWNLOAD_ATTEMPTS", raising=False)
    monkeypatch.delenv("NEMO_DOWNLOAD_TIMEOUT", raising=False)
    monkeypatch.setenv("NEMO_CACHE_DIR", str(cache))


def model_files(cache: Path) -> list[Path]:
    """Every file in a cache except lock files."""
    return sorted(p for p in cache.rglob("*") if p.is_file() and ".locks" not in p.parts)
