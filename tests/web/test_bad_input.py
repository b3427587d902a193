"""Bad input and slow neighbours get a 4xx or a JSON 503, never a stall or a plain 500
(issue #12, rows 2, 5, 11, 13): upload bombs, a webhook receiver that hangs, the proof of
screening blocked, ids over 2^63, giant zips, server paths, side effects of a GET, headers."""

from __future__ import annotations

import gzip
import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from dibwatch.monitor import MonitorSettings
from dibwatch.web import WebSettings
from dibwatch.web.headers import CSP
from dibwatch.workspace import Workspace
from tests.web.conftest import Server, make_server, write_list

MiB = 1024**2


@pytest.fixture(scope="module")
def server(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    settings = WebSettings(max_upload_bytes=16 * MiB)
    yield from make_server(demo_workspace, tmp_path_factory.mktemp("bad-input"), settings)


def _bomb(payload: int = 1024 * MiB) -> bytes:
    """~1 MB of gzip holding ``payload`` bytes of zeros (a 1 MiB member, repeated)."""
    member = gzip.compress(b"\0" * MiB, compresslevel=9)
    return member * (payload // MiB)


def test_a_list_upload_bomb_is_refused_fast_and_the_lock_stays_free(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 2: 17 s, 6.4 GB, and /firms stalled 16 s behind the workspace lock."""
    from dibwatch.web.api import lists as lists_api

    real = lists_api.parse_list
    lock_free: list[bool] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        probe = threading.Thread(target=lambda: lock_free.append(
            server.app.state.ctx.service._lock.acquire(timeout=1) and
            (server.app.state.ctx.service._lock.release() or True)))
        probe.start()
        probe.join()
        return real(*args, **kwargs)

    monkeypatch.setattr(lists_api, "parse_list", watched)
    started = time.perf_counter()
    r = server.client.post("/lists/load", headers=server.auth("anna"),
                           files={"file": ("bomb.csv.gz", _bomb())},
                           data={"format": "csl_csv"})
    assert r.status_code == 413, r.text
    assert "decompression bomb" in r.json()["detail"]
    assert r.json()["detail"].startswith("bomb.csv.gz: ")  # the client's name, no folder
    assert time.perf_counter() - started < 15
    assert lock_free == [True]  # parsed while the workspace lock was free
    assert server.client.get("/firms", headers=server.auth("vera")).status_code == 200


def test_a_zip_of_100k_members_gets_a_short_error(server: Server) -> None:
    """Row 13: a 5.4 MB error body listing every member."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(100_000):
            zf.writestr(f"m{i:06d}.csv", b"")
    r = server.client.post("/lists/load", headers=server.auth("anna"),
                           files={"file": ("many.zip", buf.getvalue())})
    assert 400 <= r.status_code < 500 and len(r.content) < 2000, r.status_code


def test_answers_show_no_server_paths(server: Server, tmp_path: Path) -> None:
    """Row 13: responses showed absolute server paths."""
    listed = write_list(tmp_path / "paths.csv", [{"_id": "p-1", "name": "Pathless Test LLC"}])
    r = server.client.post("/lists/load", headers=server.auth("anna"),
                           files={"file": ("paths.csv", listed.read_bytes())},
                           data={"source": "paths_test", "format": "csl_csv"})
    assert r.status_code == 201, r.text
    snapshot = r.json()["snapshot"]
    assert snapshot["path"] == "paths.csv"
    bad = server.client.post("/lists/load", headers=server.auth("anna"),
                             files={"file": ("junk.csv", b"\xff\xfe\x00garbage")},
                             data={"format": "csl_csv"})
    assert 400 <= bad.status_code < 500
    served = json.dumps([r.json(), bad.json(),
                         server.client.get(f"/lists/{snapshot['snapshot_id']}",
                                           headers=server.auth("vera")).json()])
    assert not re.search(r'"/(tmp|root|home|work|var)/', served), served
    assert str(server.workspace.parent) not in served and "dibwatch-list-" not in served


COUNTS = {"limit", "offset", "page", "hops", "max_nodes", "top"}  # range-checked elsewhere
# Dashboard routes (not in the OpenAPI schema) with an integer parameter.
PAGES = [("GET", "/ui/firms/{v}", {}), ("POST", "/ui/firms/{v}/decide", {}),
         ("POST", "/ui/firms/{v}/case", {}), ("GET", "/ui/lists", {"old": "{v}", "new": "1"}),
         ("GET", "/ui/alerts", {"loaded": "{v}"})]


def _integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(
        s.get("type") == "integer" for s in schema.get("anyOf", []))


def _integer_params(server: Server) -> Iterator[tuple[str, str, str, str]]:
    """(method, path, parameter, where) of every API route with an integer parameter."""
    for path, methods in server.app.openapi()["paths"].items():
        for method, op in methods.items():
            for param in op.get("parameters", []):
                if _integer(param["schema"]) and param["name"] not in COUNTS:
                    yield method.upper(), path, param["name"], param["in"]


@pytest.mark.parametrize("value", [2**64, -(2**64), 2**63])
def test_ids_past_2_63_are_a_4xx_everywhere(server: Server, value: int) -> None:
    """Row 11: plain-text 500 for /alerts?firm_id=, /alerts/{id}, .../status. Every route
    with an integer parameter is tried."""
    tried = set()
    for method, path, name, where in _integer_params(server):
        url = re.sub(r"\{(\w+)\}",
                     lambda m, n=name: str(value) if m[1] == n else "1", path)  # type: ignore[misc]
        query = {name: str(value)} if where == "query" else {}
        if path == "/lists/diff":
            query["source"] = "x"
        r = server.client.request(method, url, params=query, json={},
                                  headers=server.auth("adam"))
        assert 400 <= r.status_code < 500, (method, url, query, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/json")
        tried.add((method, path, name))
    assert {("GET", "/alerts", "firm_id"), ("GET", "/alerts/{alert_id}", "alert_id"),
            ("POST", "/alerts/{alert_id}/status", "alert_id")} <= tried
    assert len(tried) >= 12
    login = server.client.post("/auth/login", json={"name": "adam",
                                                    "password": "correct horse battery"})
    csrf = login.json()["csrf_token"]
    for method, path, query in PAGES:
        r = server.client.request(method, path.replace("{v}", str(value)),
                                  params={k: v.replace("{v}", str(value))
                                          for k, v in query.items()},
                                  data={"csrf_token": csrf} if method == "POST" else None)
        assert 400 <= r.status_code < 500, (method, path, r.status_code, r.text)
    server.client.cookies.clear()


def test_a_get_of_the_screen_page_records_nothing(server: Server) -> None:
    """Row 13: `GET /ui/screen?name=` recorded a screening run per GET."""
    login = server.client.post("/auth/login", json={"name": "vera",
                                                    "password": "correct horse battery"})
    csrf = login.json()["csrf_token"]

    def runs() -> int:
        with server.app.state.ctx.service.locked() as ws:
            return int(ws.engine.scalar("SELECT count(*) FROM screening_runs"))

    before = runs()
    page = server.client.get("/ui/screen", params={"name": "Krylotronika Instrument Works"})
    assert page.status_code == 200 and runs() == before
    assert 'value="Krylotronika Instrument Works"' in page.text
    forged = server.client.post("/ui/screen", data={"name": "Krylotronika"})
    assert forged.status_code == 403 and runs() == before  # no CSRF token, no run
    posted = server.client.post("/ui/screen", data={"name": "Krylotronika Instrument Works",
                                                    "csrf_token": csrf})
    assert posted.status_code == 200 and "demo_list-demo-0001" in posted.text
    assert runs() == before + 1
    server.client.cookies.clear()


@pytest.mark.parametrize("path", ["/", "/login", "/ui/firms", "/static/app.css", "/docs",
                                  "/openapi.json", "/firms", "/no/such/page"])
def test_security_headers_on_every_answer(server: Server, path: str) -> None:
    r = server.client.get(path, headers=server.auth("vera"), follow_redirects=False)
    assert r.headers["content-security-policy"] == CSP
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP.split("script-src")[1]\
        .split(";")[0]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_the_413_of_the_body_limit_has_the_headers_too(server: Server) -> None:
    r = server.client.post("/lists/load", headers={**server.auth("anna"),
                                                   "content-length": str(17 * MiB)},
                           content=b"x")
    assert r.status_code == 413 and r.headers["x-frame-options"] == "DENY"


def test_api_docs_load_nothing_from_elsewhere(server: Server) -> None:
    """Row 13: /docs loaded its assets from a CDN."""
    page = server.client.get("/docs").text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/static/") for u in urls), urls
    assert "<script>" not in page  # no inline script: the CSP forbids it
    for url in urls:
        assert server.client.get(url).status_code == 200, url
    assert server.client.get("/redoc").status_code == 404


def test_an_unexpected_error_is_a_json_500(server: Server) -> None:
    from fastapi.testclient import TestClient

    def boom() -> None:
        raise RuntimeError("secret internals at /srv/private")

    server.app.add_api_route("/_boom", boom)
    # No `with`: the shared app's lifespan (and its threads) must not end here.
    r = TestClient(server.app, raise_server_exceptions=False).get("/_boom")
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    assert "secret" not in r.text and "internal error" in r.json()["detail"]


def test_a_blocked_proof_of_screening_answers_json_503(server: Server) -> None:
    """Row 5: a /match waiting on the workspace lock got a plain-text 500 after 30 s."""
    ctx = server.app.state.ctx
    release = threading.Event()
    held = threading.Event()

    def hold() -> None:
        with ctx.service.locked():
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    wait, ctx.proof.wait_seconds = ctx.proof.wait_seconds, 0.5
    try:
        r = server.client.post("/match/default", headers=server.auth("vera"),
                               json={"queries": {"q": {"schema": "Company",
                                                       "properties": {"name": ["Acme"]}}}})
    finally:
        ctx.proof.wait_seconds = wait
        release.set()
        holder.join()
    assert r.status_code == 503 and r.headers["content-type"] == "application/json"
    assert "try again" in r.json()["detail"] and int(r.headers["retry-after"]) >= 1


class _HangingReceiver(BaseHTTPRequestHandler):
    """Holds each POST until released, then answers 503 (the issue's receiver)."""

    release: ClassVar[threading.Event] = threading.Event()
    calls: ClassVar[list[float]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        type(self).calls.append(time.monotonic())
        type(self).release.wait(30)
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.network
def test_a_hanging_webhook_never_holds_a_load_or_a_match(demo_workspace: Path,
                                                         tmp_path: Path) -> None:
    """Row 5: retries inside the load held the workspace lock 33 s."""
    httpd = HTTPServer(("127.0.0.1", 0), _HangingReceiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    _HangingReceiver.release.clear()
    settings = WebSettings(monitor=MonitorSettings(webhook_url=url, timeout_seconds=30,
                                                   backoff_seconds=0.01, retries=1))
    try:
        for server in make_server(demo_workspace, tmp_path, settings):
            with Workspace(demo_workspace, read_only=True) as ws:
                caption = ws.engine.scalar(
                    "SELECT caption FROM firms WHERE firm_id NOT IN (SELECT firm_id FROM "
                    "firm_screening) ORDER BY mention_count DESC, firm_id LIMIT 1")
            listed = write_list(tmp_path / "l.csv", [{"_id": "h-1", "name": str(caption)}])
            r = server.client.post("/lists/load", headers=server.auth("anna"),
                                   files={"file": ("l.csv", listed.read_bytes())},
                                   data={"source": "hang_test", "format": "csl_csv"})
            assert r.status_code == 201 and r.json()["alerts"], r.text
            deadline = time.monotonic() + 10
            while not _HangingReceiver.calls and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _HangingReceiver.calls, "the sender never posted"
            # The receiver now hangs on the first delivery; the API answers meanwhile.
            started = time.perf_counter()
            m = server.client.post("/match/default", headers=server.auth("vera"),
                                   json={"queries": {"q": {"schema": "Company",
                                                           "properties": {"name": ["Acme"]}}}})
            assert m.status_code == 200 and time.perf_counter() - started < 5
            _HangingReceiver.release.set()
    finally:
        _HangingReceiver.release.set()
        httpd.shutdown()
