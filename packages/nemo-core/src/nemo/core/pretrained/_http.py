"""http(s) downloads with the standard library: retries, back-off, resume, progress.

A download is written to ``<file>.part`` and renamed when complete. A broken connection is
retried with exponential back-off, resuming from the bytes already received (an HTTP ``Range``
request guarded by ``If-Range``, so a file that changed on the server is fetched whole rather
than glued to the old half). The partial file survives the process, so the next call resumes.

``urllib`` is imported here, on first download only: it costs ~50 ms at start-up.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from nemo.core.pretrained._cache import PART_SUFFIX, VALIDATOR_SUFFIX, discard
from nemo.core.pretrained._errors import DownloadError, LocationError, OfflineError
from nemo.core.pretrained._progress import Progress
from nemo.core.pretrained._settings import OFFLINE_ENV, DownloadPolicy, is_offline
from nemo.utils import logging
from nemo.utils._atomic import replace_durably

__all__ = ["download_url", "filename_from_url"]

_CHUNK = 1 << 16
_RETRYABLE_STATUS = {408, 425, 429}
_CONTENT_RANGE = re.compile(r"^bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)$")


@dataclass(eq=False)
class _Retry(Exception):
    """One attempt failed in a way that another attempt may fix."""

    reason: str
    reached: bool  # False: the server was never contacted (DNS, refused, connect timeout)
    wait: float = 0.0  # the server's Retry-After, if it gave one

    def __str__(self) -> str:
        return self.reason


def filename_from_url(url: str) -> str:
    """The last segment of the URL's path, e.g. ``stt_en_quartznet15x5.nemo``."""
    name = unquote(urlparse(url).path.rsplit("/", 1)[-1])
    if name in ("", ".", "..") or "/" in name or "\\" in name:
        raise LocationError(
            f"cannot name the download of {url!r}: its path does not end with a file name. "
            "Register a location ending in the file name, e.g. https://host/path/model.nemo"
        )
    return name


def download_url(
    url: str, directory: Path, *, refresh: bool = False, filename: str | None = None
) -> Path:
    """``directory/<file name>``: reused if complete, else downloaded (resuming a partial one).

    Public for resolver plugins whose scheme maps onto https (``hf://``, ``ngc://``...): they
    get the same cache discipline, retries and offline behaviour.
    """
    final = directory / (filename or filename_from_url(url))
    if is_offline():
        if refresh:
            raise OfflineError(
                f"refresh_cache=True asks for a fresh download of {url}, but {OFFLINE_ENV} is "
                f"set: unset {OFFLINE_ENV} to download, or drop refresh_cache to use the cache"
            )
        if final.is_file():
            return final
        raise OfflineError(
            f"{OFFLINE_ENV} is set, so {url} is not downloaded, and the cache holds no copy "
            f"at {str(final)!r}. Unset {OFFLINE_ENV} to download it; on a machine without "
            f"network, copy the file to that path, or point NEMO_CACHE_DIR at a cache that has it"
        )
    if refresh:
        discard(final)
    elif final.is_file():
        return final
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(
            f"cannot create the cache directory {str(directory)!r} ({exc}): point "
            "NEMO_CACHE_DIR (or cache_dir=) at a writable directory"
        ) from exc
    part = final.with_name(final.name + PART_SUFFIX)
    logging.info("downloading %s to %s", url, final)
    _download(url, part, DownloadPolicy.from_env(), label=final.name)
    replace_durably(part, final)
    final.with_name(final.name + VALIDATOR_SUFFIX).unlink(missing_ok=True)
    return final


def _download(url: str, part: Path, policy: DownloadPolicy, *, label: str) -> None:
    failure: _Retry | None = None
    for attempt in range(1, policy.attempts + 1):
        try:
            _attempt(url, part, policy.timeout, label)
            return
        except _Retry as exc:
            failure = exc
        if attempt < policy.attempts:
            delay = max(policy.delay(attempt), min(failure.wait, policy.max_backoff))
            logging.warning(
                "downloading %s: %s (attempt %d of %d); retrying in %.1f s",
                url, failure, attempt, policy.attempts, delay,
            )  # fmt: skip
            time.sleep(delay)
    assert failure is not None
    raise DownloadError(_give_up_message(url, part, failure, policy.attempts))


def _give_up_message(url: str, part: Path, failure: _Retry, attempts: int) -> str:
    tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
    kept = part.stat().st_size if part.is_file() else 0
    resume = f" {kept} bytes are kept in {str(part)!r}: calling again resumes." if kept else ""
    if failure.reached:
        return f"downloading {url} failed after {tries}: {failure}.{resume}"
    return (
        f"cannot download {url}: the host {urlparse(url).netloc} is unreachable or this machine "
        f"is offline ({failure}; {tries}). Check the network connection and the proxy settings "
        f"(https_proxy). Without network access, set {OFFLINE_ENV}=1 and put the file in the "
        "cache (see NEMO_CACHE_DIR), or register the model with a local path. "
        f"NEMO_DOWNLOAD_ATTEMPTS and NEMO_DOWNLOAD_TIMEOUT tune the retries.{resume}"
    )


def _attempt(url: str, part: Path, timeout: float, label: str) -> None:
    import http.client
    import ssl
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    have = part.stat().st_size if part.is_file() else 0
    validator_file = part.with_name(part.name.removesuffix(PART_SUFFIX) + VALIDATOR_SUFFIX)
    headers = {"User-Agent": _user_agent(), "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
        if validator_file.is_file():
            headers["If-Range"] = validator_file.read_text().strip()
    try:
        response = urlopen(Request(url, headers=headers), timeout=timeout)
    except HTTPError as exc:
        with exc:
            _check_status(exc, url, part, have)
        return  # the partial file was complete already
    except URLError as exc:  # no answer at all: DNS, refused connection, TLS, connect timeout
        if isinstance(exc.reason, ssl.SSLError):
            raise DownloadError(
                f"cannot download {url}: TLS failed ({exc.reason}). If a proxy or a private "
                "certificate authority is in the way, point SSL_CERT_FILE at its certificate"
            ) from exc
        raise _Retry(str(exc.reason), reached=False) from exc
    except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        raise _Retry(_describe(exc), reached=True) from exc
    with response:
        total = _receive(response, part, validator_file, have, label)
    got = part.stat().st_size
    if total is not None and got != total:
        if got > total:
            part.unlink()
        raise _Retry(f"the connection closed after {got} of {total} bytes", reached=True)


def _check_status(exc: Any, url: str, part: Path, have: int) -> None:
    """Raise for an error status, unless it says that the partial file is complete."""
    code = int(exc.code)
    if code == 416 and have:  # nothing left to send: complete, or the file changed size
        _, _, total = _content_range(exc.headers.get("Content-Range"))
        if total == have:
            return
        part.unlink(missing_ok=True)
        raise _Retry("the server cannot resume the partial download; starting over", reached=True)
    if code in _RETRYABLE_STATUS or code >= 500:
        raise _Retry(f"HTTP {code} {exc.reason}", reached=True, wait=_retry_after(exc.headers))
    hint = {
        401: "the server wants credentials: this location needs a resolver plugin that logs in",
        403: "access is denied: the file may be private, or need a resolver plugin that logs in",
        404: "there is no file there: the registered location is outdated or wrong; upgrade the "
        "distribution that registered the model",
        410: "the file was removed: upgrade the distribution that registered the model",
    }.get(code, "the server refused the request")
    raise DownloadError(f"cannot download {url}: HTTP {code} {exc.reason}: {hint}")


def _receive(response: Any, part: Path, validator_file: Path, have: int, label: str) -> int | None:
    """Write the body to ``part`` (appending when resuming); return the expected total size."""
    import http.client

    if have and response.status == 206:
        start, _, total = _content_range(response.headers.get("Content-Range"))
        if start != have:
            part.unlink()
            raise _Retry(f"the server resumed at byte {start}, not {have}", reached=True)
        mode = "ab"
    else:  # a fresh download: the server ignored the range, or the file changed (If-Range)
        have, mode = 0, "wb"
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        validator = _validator(response.headers)
        if validator:
            validator_file.write_text(validator)
        else:
            validator_file.unlink(missing_ok=True)
    progress = Progress(label, total, done=have)
    try:
        with part.open(mode) as out:
            while True:
                try:
                    chunk = response.read1(_CHUNK)  # what has arrived: kept if the next read fails
                except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
                    raise _Retry(
                        f"the connection broke after {progress.done} of "
                        f"{total if total is not None else '?'} bytes ({_describe(exc)})",
                        reached=True,
                    ) from exc
                if not chunk:
                    break
                try:
                    out.write(chunk)
                except OSError as exc:  # a full disk: retrying cannot help
                    raise DownloadError(
                        f"cannot write {str(part)!r} ({exc}). Free some space, or point "
                        "NEMO_CACHE_DIR (or cache_dir=) elsewhere; the next call resumes"
                    ) from exc
                progress.update(len(chunk))
    finally:
        progress.close()
    return total


def _content_range(header: str | None) -> tuple[int | None, int | None, int | None]:
    match = _CONTENT_RANGE.match((header or "").strip())
    if match is None:
        return None, None, None
    start, end, total = match.groups()
    as_int = [int(v) if v is not None and v.isdigit() else None for v in (start, end, total)]
    return as_int[0], as_int[1], as_int[2]


def _validator(headers: Any) -> str | None:
    """What ``If-Range`` may carry: a strong ETag, else Last-Modified."""
    etag = headers.get("ETag")
    if etag and not etag.startswith("W/"):
        return str(etag)
    modified = headers.get("Last-Modified")
    return str(modified) if modified else None


def _retry_after(headers: Any) -> float:
    value = (headers.get("Retry-After") or "").strip() if headers is not None else ""
    return float(value) if value.isdigit() else 0.0


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _user_agent() -> str:
    import sys

    from nemo.core import __version__

    return f"nemo-core/{__version__} Python/{sys.version_info.major}.{sys.version_info.minor}"
