"""``lists fetch`` against a local HTTP server on 127.0.0.1 serving the shared list files."""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dibwatch.errors import FetchError
from dibwatch.lists import store
from dibwatch.lists.fetch import fetch_source
from dibwatch.lists.loader import load_list
from dibwatch.lists.registry import SOURCES, Download, SourceSpec, get_source
from dibwatch.workspace import Workspace

pytestmark = pytest.mark.network


class _Server:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.fail_next: dict[str, int] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.requests.append((self.path, dict(self.headers)))
                if outer.fail_next.get(self.path, 0) > 0:
                    outer.fail_next[self.path] -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                body = outer.files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Wed, 07 Jul 2021 10:00:00 GMT")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def sdn_server(shared: Callable[[str], Path]) -> Iterator[_Server]:
    folder = shared("sanctions/ofac_sdn_2019-01/sdn.csv").parent
    files = {f"/exports/{name.upper()}": (folder / name).read_bytes()
             for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")}
    server = _Server(files)
    yield server
    server.close()


def _spec(server: _Server) -> SourceSpec:
    real = get_source("us_ofac_sdn")
    return SourceSpec(
        real.name, real.title, real.authority, real.format, real.licence, real.cadence,
        tuple(Download(server.url + "/exports/" + d.url.rsplit("/", 1)[1], d.filename)
              for d in real.downloads))


def test_fetch_then_conditional_refetch(tmp_path: Path, sdn_server: _Server) -> None:
    spec = _spec(sdn_server)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        first = fetch_source(ws.engine, spec, tmp_path / "dl", backoff=0.01)
        assert [r.status for r in first] == ["downloaded"] * 4
        for r in first:
            assert r.sha256 == hashlib.sha256(r.path.read_bytes()).hexdigest()
        snap = load_list(ws, tmp_path / "dl", source="us_ofac_sdn").snapshot
        assert snap.entity_count > 7000
        second = fetch_source(ws.engine, spec, tmp_path / "dl", backoff=0.01)
        assert [r.status for r in second] == ["not-modified"] * 4
        # the second round sent the validators it was given
        last_headers = sdn_server.requests[-1][1]
        assert last_headers.get("If-None-Match", "").startswith('"')
        assert len(store.list_snapshots(ws.engine)) == 1


def test_retries_on_503(tmp_path: Path, sdn_server: _Server) -> None:
    sdn_server.fail_next["/exports/SDN.CSV"] = 2
    with Workspace(tmp_path / "ws.duckdb") as ws:
        results = fetch_source(ws.engine, _spec(sdn_server), tmp_path / "dl", backoff=0.01)
    assert results[0].status == "downloaded"
    assert [p for p, _ in sdn_server.requests].count("/exports/SDN.CSV") == 3


def test_http_error_is_clear(tmp_path: Path, sdn_server: _Server) -> None:
    spec = _spec(sdn_server)
    spec = SourceSpec(spec.name, spec.title, spec.authority, spec.format, spec.licence,
                      spec.cadence, (Download(sdn_server.url + "/missing.csv", "x.csv"),))
    with Workspace(tmp_path / "ws.duckdb") as ws, pytest.raises(FetchError, match="404"):
        fetch_source(ws.engine, spec, tmp_path / "dl", backoff=0.01)


def test_offline_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    spec = SourceSpec("us_bis_dpl", "DPL", "US BIS", "bis_dpl", "pd", "daily",
                      (Download(f"http://127.0.0.1:{port}/dpl.txt", "dpl.txt"),))
    with Workspace(tmp_path / "ws.duckdb") as ws, pytest.raises(FetchError, match="offline"):
        fetch_source(ws.engine, spec, tmp_path / "dl", retries=1, backoff=0.01)
    assert not (tmp_path / "dl" / "dpl.txt").exists()


def test_registry_covers_every_parser_format() -> None:
    from dibwatch.lists.parsers import all_parsers

    formats = set(all_parsers())
    for spec in SOURCES.values():
        assert spec.format in formats, f"{spec.name} names unknown format {spec.format}"
        for d in spec.downloads:
            assert d.url.startswith("https://"), d.url
