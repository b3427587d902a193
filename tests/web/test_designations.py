"""Designation intelligence in the app: the /xref API (parties, coverage, the analysts'
queue with audited decisions that the next run applies) and the dashboard pages, with the
charts drawn in Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dibwatch.casework import audit
from dibwatch.lists.loader import load_list
from dibwatch.testing import shared_file
from dibwatch.workspace import Workspace
from dibwatch.xref import XrefSettings, run_xref
from dibwatch.xref.coverage import coverage_summary, parties
from dibwatch.xref.decisions import pair_decisions
from tests.web.conftest import PASSWORD, Server, make_server

LISTS = ["sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0833.csv",
         "sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0269.csv",
         "sanctions/us_dod_1260h_chinese_military_companies/sanctions.csv"]


@pytest.fixture(scope="module")
def xref_workspace(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = [shared_file(f) for f in LISTS]
    path = tmp_path_factory.mktemp("web-xref") / "xref.duckdb"
    shutil.copy(demo_workspace, path)
    with Workspace(path) as ws:
        for file in paths:
            load_list(ws, file)
        run_xref(ws, settings=XrefSettings(workers=1))
    return path


@pytest.fixture(scope="module")
def xserver(xref_workspace: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Server]:
    yield from make_server(xref_workspace, tmp_path_factory.mktemp("web-xref-server"))


def test_summary_and_coverage_are_xrefs(xserver: Server) -> None:
    got = xserver.client.get("/xref", headers=xserver.auth("vera"))
    assert got.status_code == 200, got.text
    assert got.json()["counts"]["clusters"] > 1000
    cov = xserver.client.get("/xref/coverage", params={"country": "CN,HK", "rows": True},
                             headers=xserver.auth("vera")).json()
    with xserver.app.state.ctx.service.locked() as ws:
        want = coverage_summary(parties(ws.engine, countries=["cn", "hk"]), ["cn", "hk"])
    assert cov["summary"]["hk"]["EU"]["parties"] == want["hk"]["EU"].parties > 40
    assert cov["summary"]["cn"]["US DoD"]["parties"] == want["cn"]["US DoD"].parties
    assert len(cov["parties"]) == cov["party_count"]
    assert cov["timeline"]["months"][0] == "2022-02"
    assert xserver.client.get("/xref/coverage", params={"country": "China"},
                              headers=xserver.auth("vera")).status_code == 422
    assert xserver.client.get("/xref").status_code == 401


def test_party_detail_shows_its_evidence(xserver: Server) -> None:
    found = xserver.client.get("/xref/clusters", params={"q": "Russian Helicopters",
                                                        "multi": True},
                               headers=xserver.auth("vera")).json()
    assert found["total"] >= 1
    cid = found["results"][0]["cluster_id"]
    detail = xserver.client.get(f"/xref/clusters/{cid}", headers=xserver.auth("vera")).json()
    assert {m["source"] for m in detail["members"]} >= {"eu_269_2014", "eu_833_2014"}
    assert any(link["kind"] == "identifier" and link["inside"] for link in detail["links"])
    assert detail["listings"][0]["body"] == "EU"
    assert xserver.client.get("/xref/clusters/x000000000000",
                              headers=xserver.auth("vera")).status_code == 404


def test_a_decision_is_audited_and_applied_by_the_next_run(xserver: Server) -> None:
    queue = xserver.client.get("/xref/queue", params={"limit": 5},
                               headers=xserver.auth("vera")).json()
    assert queue["total"] > 0
    pair = queue["results"][0]
    body = {"entity_a": pair["entity_a"], "entity_b": pair["entity_b"], "verdict": "confirm",
            "note": "same address and INN in the decree"}
    assert xserver.client.post("/xref/decisions", json=body,
                               headers=xserver.auth("vera")).status_code == 403
    made = xserver.client.post("/xref/decisions", json=body, headers=xserver.auth("anna"))
    assert made.status_code == 201, made.text
    _, rows = audit.entries(xserver.state, object_type="entity_pair")
    assert rows[0].action == "xref.confirm" and rows[0].actor == "anna"
    assert rows[0].detail["hash_a"] == pair["hash_a"]
    history = xserver.client.get("/xref/decisions", params={
        "entity_a": pair["entity_a"], "entity_b": pair["entity_b"]},
        headers=xserver.auth("vera")).json()["decisions"]
    assert [d["verdict"] for d in history] == ["confirm"]
    # The app does not re-cluster; the next `dibwatch lists xref` applies the decision.
    decisions = pair_decisions(xserver.state)
    with xserver.app.state.ctx.service.locked() as ws:
        run_xref(ws, settings=XrefSettings(workers=1), decisions=decisions)
        clusters = {r[0] for r in ws.engine.query(
            "SELECT cluster_id FROM xref_members WHERE entity_id IN (?, ?)",
            [pair["entity_a"], pair["entity_b"]])}
    assert len(clusters) == 1
    bad = xserver.client.post("/xref/decisions", json={**body, "entity_b": pair["entity_a"]},
                              headers=xserver.auth("anna"))
    assert bad.status_code in (400, 422)


def _login(server: Server, name: str) -> str:
    server.client.cookies.clear()
    server.client.post("/login", data={"name": name, "password": PASSWORD, "next": "/"},
                       follow_redirects=False)
    return str(server.client.get("/auth/me").json()["csrf_token"])


def test_dashboard_pages(xserver: Server) -> None:
    csrf = _login(xserver, "anna")
    page = xserver.client.get("/ui/designations")
    assert page.status_code == 200
    assert page.text.count("<svg") == 4 and 'id="gaps-table"' in page.text
    listing = xserver.client.get("/ui/designations/parties", params={"country": "HK"})
    assert listing.status_code == 200 and "data-cluster=" in listing.text
    queue = xserver.client.get("/ui/designations/queue")
    assert queue.status_code == 200 and 'value="dismiss"' in queue.text
    pair = xserver.client.get("/xref/queue", params={"limit": 1}).json()["results"][0]
    done = xserver.client.post("/ui/designations/decide", data={
        "csrf_token": csrf, "entity_a": pair["entity_a"], "entity_b": pair["entity_b"],
        "verdict": "dismiss", "next": "/ui/designations/queue"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/ui/designations/queue"
    offsite = xserver.client.post("/ui/designations/decide", data={
        "csrf_token": csrf, "entity_a": pair["entity_a"], "entity_b": pair["entity_b"],
        "verdict": "dismiss", "next": "//evil.example/"}, follow_redirects=False)
    assert offsite.status_code == 400
    _login(xserver, "vera")
    assert 'value="dismiss"' not in xserver.client.get("/ui/designations/queue").text
    xserver.client.cookies.clear()


def test_page_without_a_run_says_how(server: Server) -> None:
    _login(server, "vera")
    page = server.client.get("/ui/designations")
    assert page.status_code == 200 and 'id="no-xref"' in page.text
    assert server.client.get("/xref").status_code == 404
    server.client.cookies.clear()


@pytest.mark.browser
@pytest.mark.network
def test_dashboard_charts_are_drawn(xref_workspace: Path, tmp_path: Path) -> None:
    import threading
    import time

    import uvicorn

    from dibwatch.web import Role, add_user, create_app
    from tests.report.browser import MEASURE, artifacts_folder, assert_drawn, launch_browser
    from tests.web.test_browser import _free_port

    path = tmp_path / "ws.duckdb"
    shutil.copy(xref_workspace, path)
    app = create_app(path)
    add_user(app.state.ctx.state, "anna", PASSWORD, Role.analyst)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        for browser in launch_browser():
            page: Any = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/login")
            page.fill("input[name=name]", "anna")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"http://127.0.0.1:{port}/ui/designations")
            drawn = page.eval_on_selector_all("svg.chart", MEASURE)
            assert len(drawn) == 4
            assert_drawn(drawn)
            page.screenshot(path=str(artifacts_folder(tmp_path) / "dashboard-designations.png"),
                            full_page=True)
    finally:
        server.should_exit = True
        thread.join(10)
