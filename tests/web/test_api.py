"""The JSON API through the real app: yente-shaped /match, firms, shipments, lists, jobs,
and every kind of bad input or abuse answered with a clear 4xx and nothing changed."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dibwatch.casework.users import get_user
from dibwatch.match.algorithm import Query
from dibwatch.match.screen import Screener
from dibwatch.web import create_token
from dibwatch.workspace import Workspace
from tests.web.conftest import Server

# The example from yente's /match documentation (yente/routers/match.py docstring), plus one
# entity of the fictional demo list.
YENTE_EXAMPLE: dict[str, Any] = {"queries": {
    "entity1": {"schema": "Person", "properties": {
        "name": ["John Doe"], "birthDate": ["1975-04-21"], "nationality": ["us"]}},
    "entity2": {"schema": "Company", "properties": {
        "name": ["Brilliant Amazing Limited"], "jurisdiction": ["hk"],
        "registrationNumber": ["84BA99810"]}},
    "demo": {"schema": "Company", "properties": {
        "name": ["Krylotronika Instrument Works"], "jurisdiction": ["ru"]}},
}}


def test_match_answers_in_yentes_shape(server: Server, demo_workspace: Path) -> None:
    r = server.client.post("/match/default", json=YENTE_EXAMPLE, headers=server.auth("vera"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body["responses"]) == {"entity1", "entity2", "demo"}
    assert body["limit"] == 5 and "name" in body["matcher"]
    for resp in body["responses"].values():
        assert resp["status"] == 200
        assert resp["total"] == {"value": len(resp["results"]), "relation": "eq"}
    assert body["responses"]["entity2"]["query"]["properties"]["jurisdiction"] == ["hk"]
    top = body["responses"]["demo"]["results"][0]
    assert {"id", "caption", "schema", "properties", "datasets", "score", "match",
            "features"} <= set(top)
    # The same query screened directly against the same lists gives the same best entity
    # and score.
    with Workspace(demo_workspace, read_only=True) as ws:
        hit = Screener(ws).screen([Query("Krylotronika Instrument Works", "Company", ("ru",))],
                                  record=False, workers=1).results[0].hits[0]
    assert top["id"] == hit.entity.entity_id == "demo_list-demo-0001"
    assert top["score"] == round(hit.match.score, 4)
    assert top["match"] is True and top["datasets"] == ["demo_list"]
    assert top["features"]["name"] == pytest.approx(hit.match.features[0].contribution, abs=1e-4)
    # Proof of screening: the request's three queries are recorded under its run.
    run_id, first = body["screening_run"], body["screening_first_query"]
    assert int(r.headers["x-screening-run"]) == run_id
    recorded = server.app.state.ctx.service.query(
        "SELECT query_no, name FROM screening_queries WHERE run_id = ? AND query_no >= ? "
        "ORDER BY query_no LIMIT 3", [run_id, first])
    assert [name for _, name in recorded] == ["John Doe", "Brilliant Amazing Limited",
                                              "Krylotronika Instrument Works"]


def test_match_dataset_filters_to_one_source(server: Server) -> None:
    r = server.client.post("/match/demo_list", json=YENTE_EXAMPLE,
                           headers=server.auth("vera"), params={"limit": 2})
    assert r.status_code == 200
    results = [x for resp in r.json()["responses"].values() for x in resp["results"]]
    assert results and all(x["datasets"] == ["demo_list"] for x in results)
    assert all(len(resp["results"]) <= 2 for resp in r.json()["responses"].values())


def test_firms_are_filtered_sorted_and_paginated(server: Server) -> None:
    h = server.auth("vera")
    full = server.client.get("/firms", params={"limit": 500}, headers=h).json()
    assert full["total"] == len(full["results"])
    ranks = [f["rank"] for f in full["results"]]
    assert ranks == sorted(ranks)
    hk = [f for f in full["results"] if f["country"] == "HK"]
    page = server.client.get("/firms", params={"country": "hk", "limit": 3, "offset": 1},
                             headers=h).json()
    assert page["total"] == len(hk)
    assert [f["firm_id"] for f in page["results"]] == [f["firm_id"] for f in hk[1:4]]
    by_score = server.client.get("/firms", params={"sort": "score", "min_score": 0.5,
                                                   "limit": 500}, headers=h).json()
    assert by_score["total"] == sum(1 for f in full["results"] if f["score"] >= 0.5)
    scores = [f["score"] for f in by_score["results"]]
    assert scores == sorted(scores, reverse=True)


def test_firm_page_carries_flags_evidence_and_network(server: Server) -> None:
    h = server.auth("vera")
    top = server.client.get("/firms", params={"limit": 1}, headers=h).json()["results"][0]
    firm = server.client.get(f"/firms/{top['firm_id']}", headers=h).json()
    assert firm["caption"] == top["caption"]
    assert {f["indicator"] for f in firm["flags"]} == set(top["flags"].split("|"))
    assert all(f["evidence"] for f in firm["flags"])
    assert sum(firm["contributions"].values()) == pytest.approx(top["score"])
    net = server.client.get(f"/firms/{top['firm_id']}/network", headers=h).json()
    ids = {n["data"]["firm_id"] for n in net["elements"]["nodes"]}
    partners = {c["firm_id"] for c in firm["counterparties"]}
    assert top["firm_id"] in ids and partners <= ids


def test_shipments_filter_by_tier(server: Server) -> None:
    h = server.auth("vera")
    with_tier = server.client.get("/shipments", params={"chpl_tier": "1", "limit": 500},
                                  headers=h).json()
    assert with_tier["total"] > 0
    assert all(s["chpl_tier"] == "1" for s in with_tier["results"])


def test_lists_and_diff(server: Server) -> None:
    h = server.auth("vera")
    snaps = server.client.get("/lists", headers=h).json()["snapshots"]
    assert [s["source"] for s in snaps].count("demo_list") == 2
    diff = server.client.get("/lists/diff", params={"source": "demo_list"}, headers=h).json()
    # The bundled fictional list v1 -> v2 (see dibwatch.demo data): 3 added, 2 removed,
    # 2 changed, 8 unchanged: counted here from the two files' ids.
    assert diff["counts"] == {"added": 3, "removed": 2, "changed": 2, "unchanged": 8}


def test_batch_screening_job(server: Server) -> None:
    csv_bytes = b"name,country\nKrylotronika Instrument Works,RU\nNobody Real Ltd,GB\n"
    r = server.client.post("/screening/jobs", headers=server.auth("anna"),
                           files={"file": ("parties.csv", csv_bytes, "text/csv")},
                           data={"top": "1"})
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    server.app.state.ctx.jobs.wait(60)
    job = server.client.get(f"/screening/jobs/{job_id}", headers=server.auth("anna")).json()
    assert job["status"] == "done" and job["done"] == job["total"] == 2
    out = server.client.get(f"/screening/jobs/{job_id}/results", headers=server.auth("anna"))
    lines = out.text.strip().splitlines()
    assert lines[0].startswith("name,")
    assert "demo_list-demo-0001" in lines[1]


def _counts(server: Server) -> tuple[int, int, int, int]:
    with sqlite3.connect(server.state.path) as con:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore
                     for t in ("decisions", "cases", "jobs", "watched_parties"))


def _expired_token(server: Server) -> str:
    user = get_user(server.state, "anna")
    return create_token(server.state, user, "old", timedelta(seconds=-1))


TOO_BIG = b"name\n" + b"x" * 300_000
# (case, method, path, who, request kwargs, status, words in the message)
CASES: list[tuple[str, str, str, str | None, dict[str, Any], int, str]] = [
    ("no credentials", "GET", "/firms", None, {}, 401, "not logged in"),
    ("bad auth scheme", "GET", "/firms", "Basic abc", {}, 401, "Bearer"),
    ("unknown token", "GET", "/firms", "Bearer dw_nope", {}, 401, "invalid API token"),
    ("expired token", "GET", "/firms", "expired", {}, 401, "expired"),
    ("malformed JSON", "POST", "/match/default", "anna",
     {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422,
     "invalid request"),
    ("no queries", "POST", "/match/default", "anna", {"json": {"queries": {}}}, 400,
     "no queries"),
    ("unknown schema", "POST", "/match/default", "anna",
     {"json": {"queries": {"a": {"schema": "Spaceship", "properties": {"name": ["X"]}}}}},
     400, "unknown schema"),
    ("no name", "POST", "/match/default", "anna",
     {"json": {"queries": {"a": {"schema": "Company", "properties": {"country": ["ru"]}}}}},
     400, "no 'name'"),
    ("unknown dataset", "POST", "/match/nowhere", "anna", {"json": YENTE_EXAMPLE}, 404,
     "unknown dataset"),
    ("unknown firm", "GET", "/firms/999999", "vera", {}, 404, "no firm 999999"),
    ("unknown job", "GET", "/screening/jobs/nope", "vera", {}, 404, "no job"),
    ("unknown entity", "POST", "/cases/1/decisions", "anna",
     {"json": {"entity_id": "nope", "verdict": "confirm"}}, 404, "no list entity"),
    ("bad verdict", "POST", "/cases/1/decisions", "anna",
     {"json": {"entity_id": "x", "verdict": "maybe"}}, 422, "verdict"),
    ("viewer writes a decision", "POST", "/cases/1/decisions", "vera",
     {"json": {"entity_id": "x", "verdict": "confirm"}}, 403, "analyst role"),
    ("viewer watches a party", "POST", "/watched", "vera", {"json": {"name": "X"}}, 403,
     "analyst role"),
    ("viewer uploads a batch", "POST", "/screening/jobs", "vera",
     {"files": {"file": ("p.csv", b"name\nX\n", "text/csv")}}, 403, "analyst role"),
    ("huge upload", "POST", "/screening/jobs", "anna",
     {"files": {"file": ("p.csv", TOO_BIG, "text/csv")}}, 413, "larger than the limit"),
    ("wrong file type", "POST", "/screening/jobs", "anna",
     {"files": {"file": ("p.xlsx", b"PK\x03\x04", "application/zip")}}, 415,
     "unsupported file type"),
    ("no name column", "POST", "/screening/jobs", "anna",
     {"files": {"file": ("p.csv", b"company\nX\n", "text/csv")}}, 415, "'name' column"),
    ("audit log cannot be written", "POST", "/audit", "adam", {"json": {}}, 405, ""),
    ("audit log cannot be deleted", "DELETE", "/audit", "adam", {}, 405, ""),
    ("page out of range", "GET", "/firms", "vera", {"params": {"limit": 100000}}, 422,
     "limit"),
    # Offsets past any integer column the engines hold were 500s.
    ("offset past the engines", "GET", "/firms", "vera",
     {"params": {"offset": 10**20}}, 422, "offset"),
    ("alerts offset past the engines", "GET", "/alerts", "vera",
     {"params": {"offset": 10**20}}, 422, "offset"),
    ("shipments offset past the engines", "GET", "/shipments", "vera",
     {"params": {"offset": 10**20}}, 422, "offset"),
    ("list upload named ..", "POST", "/lists/load", "anna",
     {"files": {"file": ("..", b"not a list", "text/csv")}}, 415, "unrecognised list format"),
]


@pytest.mark.parametrize(("case", "method", "path", "who", "kwargs", "status", "words"),
                         CASES, ids=[c[0] for c in CASES])
def test_bad_input_and_abuse(server: Server, case: str, method: str, path: str,
                             who: str | None, kwargs: dict[str, Any], status: int,
                             words: str) -> None:
    headers = dict(kwargs.pop("headers", {}))
    if who == "expired":
        headers["Authorization"] = f"Bearer {_expired_token(server)}"
    elif who in server.tokens:
        headers.update(server.auth(who))
    elif who:
        headers["Authorization"] = who
    before = _counts(server)
    r = server.client.request(method, path, headers=headers, **kwargs)
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]
    assert _counts(server) == before


def test_session_writes_need_the_csrf_token(server: Server) -> None:
    c = server.client
    login = c.post("/auth/login", json={"name": "anna", "password": "correct horse battery"})
    assert login.status_code == 200
    assert "httponly" in login.headers["set-cookie"].lower()
    assert "samesite=lax" in login.headers["set-cookie"].lower()
    before = _counts(server)
    r = c.post("/watched", json={"name": "Somebody Watched"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    assert _counts(server) == before
    r = c.post("/watched", json={"name": "Somebody Watched"},
               headers={"X-CSRF-Token": login.json()["csrf_token"]})
    assert r.status_code == 201
    c.cookies.clear()
    bad = c.post("/auth/login", json={"name": "anna", "password": "wrong"})
    assert bad.status_code == 401


def test_openapi_documents_the_api(server: Server) -> None:
    spec = server.client.get("/openapi.json").json()
    for path in ("/match/{dataset}", "/firms", "/firms/{firm_id}", "/shipments", "/lists",
                 "/lists/diff", "/alerts", "/cases/{firm_id}/decisions", "/audit",
                 "/screening/jobs"):
        assert path in spec["paths"], path


def test_concurrent_matches_all_succeed(server: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> int:
        q = {"queries": {"q": {"schema": "Company", "properties": {"name": [f"Velmorsk {i}"]}}}}
        return server.client.post("/match/default", json=q,
                                  headers=server.auth("vera")).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(one, range(40)))
    assert codes == [200] * 40
    assert time.perf_counter() - started < 30


def test_hub_network_keeps_its_strongest_neighbours(server: Server) -> None:
    h = server.auth("vera")
    graph = server.app.state.ctx.service.graph()
    hub = max((n.firm_id for n in graph.firms()), key=lambda f: (len(set(
        t if s == f else s for s, t, _ in graph.edges() if f in (s, t))), -f))
    value: dict[int, float] = {}
    for s, t, e in graph.edges():
        if hub in (s, t) and s != t:
            other = t if s == hub else s
            value[other] = value.get(other, 0.0) + e.value_usd
    net = server.client.get(f"/firms/{hub}/network", params={"max_nodes": 10},
                            headers=h).json()
    ids = {n["data"]["firm_id"] for n in net["elements"]["nodes"]}
    assert len(value) > 9 and net["data"]["neighbourhood_firms"] == len(value) + 1
    top9 = sorted(value, key=lambda f: (-value[f], f))[:9]
    assert ids == {hub, *top9}


def _browser_login(server: Server, name: str) -> str:
    server.client.cookies.clear()
    r = server.client.post("/login", data={"name": name, "password": "correct horse battery",
                                           "next": "/ui/firms"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/firms"
    me = server.client.get("/auth/me").json()
    return str(me["csrf_token"])


def test_pages_need_a_login_and_writes_need_a_role(server: Server) -> None:
    server.client.cookies.clear()
    r = server.client.get("/ui/firms/1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/ui/firms/1"
    bad = server.client.post("/login", data={"name": "vera", "password": "x", "next": "/"},
                             follow_redirects=False)
    assert bad.headers["location"].endswith("error=1")
    offsite = server.client.post("/login", data={"name": "vera", "password":
                                                 "correct horse battery",
                                                 "next": "//evil.example/"},
                                 follow_redirects=False)
    assert offsite.headers["location"] == "/"
    csrf = _browser_login(server, "vera")
    firm_id = server.client.get("/firms", params={"limit": 1}).json()["results"][0]["firm_id"]
    page = server.client.get(f"/ui/firms/{firm_id}")
    assert page.status_code == 200
    assert 'value="confirm"' not in page.text  # a viewer sees no decision buttons
    before = _counts(server)
    r = server.client.post(f"/ui/firms/{firm_id}/decide",
                           data={"csrf_token": csrf, "entity_id": "x", "verdict": "confirm"})
    assert r.status_code == 403
    csrf = _browser_login(server, "anna")
    r = server.client.post(f"/ui/firms/{firm_id}/case", data={"status": "investigating"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    assert _counts(server) == before
    server.client.cookies.clear()


def test_concurrent_writes_all_land(server: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    firm_id = server.client.get("/firms", params={"limit": 1},
                                headers=server.auth("vera")).json()["results"][0]["firm_id"]
    total_before = server.client.get("/audit", headers=server.auth("vera")).json()["total"]

    def note(i: int) -> int:
        return server.client.post(f"/cases/{firm_id}/notes", json={"text": f"note {i}"},
                                  headers=server.auth("anna")).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(note, range(16)))
    assert codes == [201] * 16
    case = server.client.get(f"/cases/{firm_id}", headers=server.auth("vera")).json()
    assert sorted(n["text"] for n in case["notes"] if n["text"].startswith("note ")) == \
        sorted(f"note {i}" for i in range(16))
    after = server.client.get("/audit", headers=server.auth("vera")).json()["total"]
    assert after == total_before + 16


def test_search_text_is_literal(server: Server) -> None:
    """``_`` and ``%`` in a search are characters, not wildcards."""
    h = server.auth("vera")
    every = server.client.get("/firms", params={"limit": 1}, headers=h).json()["total"]
    assert every > 0
    for text in ("_", "%", "%_%"):
        got = server.client.get("/firms", params={"q": text}, headers=h).json()["total"]
        assert got < every, text


def test_dashboard_filters_refuse_bad_numbers(server: Server) -> None:
    _browser_login(server, "vera")
    for params in ({"min_score": "abc"}, {"min_score": "7"}, {"page": 10**20}):
        r = server.client.get("/ui/firms", params=params)
        assert r.status_code == 422, (params, r.text)
    assert server.client.get("/ui/audit", params={"page": 10**20}).status_code == 422
