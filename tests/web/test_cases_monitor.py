"""Decisions with their audit trail, dismissal suppression until the list entry changes,
confirmed links, the append-only audit log, and monitoring alerts delivered to a webhook."""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from dibwatch.match import DibwatchV1
from dibwatch.monitor import MonitorSettings
from dibwatch.web import WebSettings, confirmed_links
from dibwatch.workspace import Workspace
from tests.web.conftest import Server, make_server, write_list


class Receiver(BaseHTTPRequestHandler):
    """Answers 503 to the first POST, 200 after: the sender must retry."""

    bodies: ClassVar[list[dict[str, Any]]] = []
    calls = 0

    def do_POST(self) -> None:
        type(self).calls += 1
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        status = 503 if type(self).calls == 1 else 200
        if status == 200:
            type(self).bodies.append(body)
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    httpd.shutdown()


@pytest.fixture(scope="module")
def hooked(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory,
           receiver: str) -> Iterator[Server]:
    settings = WebSettings(monitor=MonitorSettings(webhook_url=receiver, backoff_seconds=0.01))
    yield from make_server(demo_workspace, tmp_path_factory.mktemp("hooked"), settings)


def _listed_pair(demo_workspace: Path) -> tuple[int, str]:
    with Workspace(demo_workspace, read_only=True) as ws:
        firm_id, entity_id = ws.engine.query(
            "SELECT firm_id, entity_id FROM firm_screening ORDER BY score DESC, firm_id "
            "LIMIT 1")[0]
    return int(firm_id), str(entity_id)


def test_confirm_is_audited_and_becomes_a_link(server: Server, demo_workspace: Path) -> None:
    firm_id, entity_id = _listed_pair(demo_workspace)
    r = server.client.post(f"/cases/{firm_id}/decisions", headers=server.auth("anna"),
                           json={"entity_id": entity_id, "verdict": "confirm",
                                 "note": "same INN"})
    assert r.status_code == 201, r.text
    assert (firm_id, entity_id) in confirmed_links(server.state)
    entry = server.client.get("/audit", headers=server.auth("vera")).json()["results"][0]
    assert entry["actor"] == "anna" and entry["action"] == "match.confirm"
    assert entry["object_id"] == str(firm_id)
    assert entry["algorithm"] == f"{DibwatchV1.name}/{DibwatchV1.version}"
    with Workspace(demo_workspace, read_only=True) as ws:
        current = sorted(int(r[0]) for r in ws.engine.query(
            "SELECT max(snapshot_id) FROM snapshots GROUP BY source"))
        snapshot_of_entity = ws.engine.scalar(
            "SELECT max(snapshot_id) FROM entities WHERE entity_id = ?", [entity_id])
    assert entry["snapshots"] == current
    assert entry["detail"]["list_snapshot_id"] == snapshot_of_entity
    links = server.client.get("/cases/links", headers=server.auth("vera")).json()["links"]
    assert {"firm_id": firm_id, "entity_id": entity_id} in links


def test_case_status_assignee_and_notes(server: Server, demo_workspace: Path) -> None:
    firm_id, _ = _listed_pair(demo_workspace)
    h = server.auth("anna")
    assert server.client.patch(f"/cases/{firm_id}", headers=h,
                               json={"status": "escalated", "assignee": "anna"}).status_code \
        == 200
    assert server.client.post(f"/cases/{firm_id}/notes", headers=h,
                              json={"text": "ships via Almaty"}).status_code == 201
    case = server.client.get(f"/cases/{firm_id}", headers=h).json()
    assert case["case"]["status"] == "escalated" and case["case"]["assignee"] == "anna"
    assert [n["text"] for n in case["notes"]] == ["ships via Almaty"]
    bad = server.client.patch(f"/cases/{firm_id}", headers=h, json={"status": "lost"})
    assert bad.status_code == 422


def test_audit_log_refuses_update_and_delete(server: Server) -> None:
    with sqlite3.connect(server.state.path) as con:
        count = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        assert count > 0
        for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)
        assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == count
        assert con.execute("SELECT count(*) FROM audit_log WHERE actor = 'mallory'"
                           ).fetchone()[0] == 0


def _world_list(demo_workspace: Path) -> Path:
    found = sorted((demo_workspace.parent / "world").rglob("*.csv"))
    return next(p for p in found if "list" in p.name)


def test_dismissal_holds_until_the_list_entry_changes(hooked: Server, demo_workspace: Path,
                                                      tmp_path: Path) -> None:
    firm_id, entity_id = _listed_pair(demo_workspace)
    h = hooked.auth("anna")
    r = hooked.client.post(f"/cases/{firm_id}/decisions", headers=h,
                           json={"entity_id": entity_id, "verdict": "dismiss"})
    assert r.status_code == 201

    def match_row() -> dict[str, Any]:
        rows = hooked.client.get(f"/firms/{firm_id}", headers=h).json()["list_matches"]
        return next(m for m in rows if m["entity_id"] == entity_id)

    assert match_row()["suppressed"] is True
    # A new snapshot of the same source where this entry's address changed.
    source_id = entity_id.split("-", 1)[1]
    original = _world_list(demo_workspace)
    with original.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["_id"] == source_id:
            row["addresses"] = "Moved Street 9, Fictional City, RU"
    changed = tmp_path / original.name
    with changed.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    with changed.open("rb") as fh:
        r = hooked.client.post("/lists/load", headers=h, files={"file": (changed.name, fh)},
                               data={"source": "synthetic_list", "format": "csl_csv"})
    assert r.status_code == 201, r.text
    assert match_row()["suppressed"] is False
    assert match_row()["decision"] == "dismiss"


def _drain(server: Server, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sqlite3.connect(server.state.path) as con:
            if not con.execute("SELECT count(*) FROM alerts WHERE delivery_due IS NOT NULL"
                               ).fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the webhook queue did not drain")


@pytest.mark.network
def test_new_designation_raises_alerts_and_reaches_the_webhook(
        hooked: Server, demo_workspace: Path, tmp_path: Path) -> None:
    with Workspace(demo_workspace, read_only=True) as ws:
        firm_id, caption = ws.engine.query(
            "SELECT firm_id, caption FROM firms WHERE firm_id NOT IN "
            "(SELECT firm_id FROM firm_screening) ORDER BY mention_count DESC, firm_id "
            "LIMIT 1")[0]
        partners = {int(r[0]) for r in ws.engine.query(
            "SELECT DISTINCT b.firm_id FROM shipment_parties sa "
            "JOIN firm_members ma ON ma.mention_id = sa.mention_id "
            "JOIN shipment_parties sb ON sb.load_id = sa.load_id AND sb.line_no = sa.line_no "
            "JOIN firm_members b ON b.mention_id = sb.mention_id "
            "WHERE ma.firm_id = ? AND b.firm_id <> ?", [firm_id, firm_id])}
    assert partners
    new_list = write_list(tmp_path / "watch_list.csv",
                          [{"_id": "w-1", "name": str(caption), "start_date": "2024-05-01"}])
    _drain(hooked)  # alerts of earlier tests leave the queue first
    Receiver.calls = 0
    Receiver.bodies.clear()
    with new_list.open("rb") as fh:
        r = hooked.client.post("/lists/load", headers=hooked.auth("anna"),
                               files={"file": ("watch_list.csv", fh)},
                               data={"source": "test_watch_list", "format": "csl_csv"})
    assert r.status_code == 201, r.text
    raised = r.json()["alerts"]
    counterparty = {a["firm_id"] for a in raised if a["kind"] == "counterparty_designated"}
    assert counterparty == partners
    assert [a["firm_id"] for a in raised if a["kind"] == "firm_designated"] == [firm_id]
    listed = hooked.client.get("/alerts", headers=hooked.auth("vera"),
                               params={"kind": "counterparty_designated"}).json()
    assert listed["total"] >= len(partners)
    # Delivered by the sender thread (not inside the load), once, after a 503 and a retry.
    _drain(hooked)
    assert Receiver.calls == 2
    delivered = [a["alert_id"] for body in Receiver.bodies for a in body["alerts"]]
    assert sorted(delivered) == sorted(a["alert_id"] for a in raised)
    # Loading the same bytes again is a no-op: no new alerts.
    with new_list.open("rb") as fh:
        again = hooked.client.post("/lists/load", headers=hooked.auth("anna"),
                                   files={"file": ("watch_list.csv", fh)},
                                   data={"source": "test_watch_list", "format": "csl_csv"})
    assert again.json()["created"] is False and again.json()["alerts"] == []


def test_cli_loads_are_monitored_only_with_an_app_state(demo_workspace: Path,
                                                        tmp_path: Path) -> None:
    import shutil

    from dibwatch.lists.loader import load_list
    from dibwatch.pipeline.services import monitored
    from dibwatch.web import AppState, state_path_for

    path = tmp_path / "cli.duckdb"
    shutil.copy(demo_workspace, path)
    with Workspace(path) as ws:
        firm_id, caption = ws.engine.query(
            "SELECT firm_id, caption FROM firms WHERE firm_id NOT IN "
            "(SELECT firm_id FROM firm_screening) ORDER BY mention_count DESC, firm_id "
            "LIMIT 1")[0]
        first = write_list(tmp_path / "a.csv", [{"_id": "a-1", "name": "Nobody Fictional"}])
        with monitored(ws) as raised:
            load_list(ws, first, source="cli_list", fmt="csl_csv")
        assert raised == [] and not state_path_for(path).exists()
        AppState(state_path_for(path))  # the team starts using the app state
        second = write_list(tmp_path / "b.csv", [{"_id": "b-1", "name": str(caption)}])
        with monitored(ws) as raised:
            load_list(ws, second, source="cli_list", fmt="csl_csv")
    assert [a.firm_id for a in raised if a.kind == "firm_designated"] == [firm_id]
