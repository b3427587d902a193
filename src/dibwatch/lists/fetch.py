"""Downloading list files from their official URLs: conditional requests, retries, checksums.

State (ETag, Last-Modified, sha256) is kept in the workspace's ``fetch_state`` table, so a
second fetch of an unchanged list costs one 304 response and loads nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from dibwatch.engine import Engine
from dibwatch.errors import FetchError
from dibwatch.lists.registry import Download, SourceSpec

USER_AGENT = "dibwatch/0.1 (+sanctions list monitoring)"
RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass
class FetchedFile:
    url: str
    path: Path
    status: str  # "downloaded" | "not-modified"
    sha256: str | None
    bytes: int


def _state(engine: Engine, source: str, url: str) -> tuple[str | None, str | None, str | None]:
    rows = engine.query(
        "SELECT etag, last_modified, path FROM fetch_state WHERE source = ? AND url = ? "
        "ORDER BY fetched_at DESC LIMIT 1", [source, url])
    if not rows:
        return None, None, None
    etag, modified, path = rows[0]
    return etag, modified, path


def _get(client: httpx.Client, url: str, headers: dict[str, str], retries: int,
         backoff: float) -> httpx.Response:
    last: Exception | None = None
    for attempt in range(retries + 1):
        try:
            response = client.get(url, headers=headers)
            if response.status_code not in RETRY_STATUS or attempt == retries:
                return response
            last = FetchError(f"{url}: HTTP {response.status_code}")
        except httpx.ConnectError as exc:
            last = exc
            if attempt == retries:
                raise FetchError(f"cannot connect to {httpx.URL(url).host} for {url}: {exc}. "
                                 "Are you offline?") from exc
        except httpx.TimeoutException as exc:
            last = exc
            if attempt == retries:
                raise FetchError(f"timed out fetching {url}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"fetching {url} failed: {exc}") from exc
        time.sleep(backoff * 2**attempt)
    raise FetchError(f"fetching {url} failed: {last}")


def fetch_source(engine: Engine, spec: SourceSpec, dest: Path, *, retries: int = 3,
                 backoff: float = 1.0, timeout: float = 60.0,
                 force: bool = False) -> list[FetchedFile]:
    """Download every file of ``spec`` into ``dest`` (one folder per source)."""
    if not spec.fetchable:
        raise FetchError(f"{spec.name} has no official download URL: {spec.note}")
    dest.mkdir(parents=True, exist_ok=True)
    results = []
    with httpx.Client(timeout=timeout, follow_redirects=True,
                      headers={"User-Agent": USER_AGENT}) as client:
        for download in spec.downloads:
            results.append(_fetch_one(engine, client, spec.name, download, dest, retries,
                                      backoff, force))
    return results


def _fetch_one(engine: Engine, client: httpx.Client, source: str, download: Download,
               dest: Path, retries: int, backoff: float, force: bool) -> FetchedFile:
    target = dest / download.filename
    etag, modified, _ = _state(engine, source, download.url)
    headers = {}
    if not force and target.exists():
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
    response = _get(client, download.url, headers, retries, backoff)
    if response.status_code == 304:
        return FetchedFile(download.url, target, "not-modified", None, target.stat().st_size)
    if response.status_code != 200:
        raise FetchError(f"{download.url}: HTTP {response.status_code}")
    body = response.content
    if not body:
        raise FetchError(f"{download.url}: empty response body")
    length = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding")
    if length and not encoded and int(length) != len(body):
        raise FetchError(f"{download.url}: truncated download ({len(body)} of {length} bytes)")
    sha = hashlib.sha256(body).hexdigest()
    # Write to a temp file and rename: a crash never leaves a half-written list file.
    fd, tmp = tempfile.mkstemp(dir=dest, prefix=".part-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
    os.replace(tmp, target)
    engine.execute(
        "INSERT INTO fetch_state (source, url, etag, last_modified, sha256, bytes, path, "
        "fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [source, download.url, response.headers.get("ETag"),
         response.headers.get("Last-Modified"), sha, len(body), str(target),
         datetime.now(UTC).replace(tzinfo=None)])
    return FetchedFile(download.url, target, "downloaded", sha, len(body))
