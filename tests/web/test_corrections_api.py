"""Analysts correct firms through the API and the dashboard; viewers cannot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dibwatch.casework.corrections import corrections

from .conftest import PASSWORD, Server, make_server


@pytest.fixture(scope="module")
def server(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    yield from make_server(demo_workspace, tmp_path_factory.mktemp("web-corrections"))


def _firm_with_spellings(server: Server) -> tuple[int, list[str]]:
    firm, names = server.app.state.ctx.service.query(
            "SELECT m.firm_id, list(DISTINCT p.name ORDER BY p.name) FROM firm_members m "
            "JOIN party_mentions p USING (mention_id) GROUP BY m.firm_id "
        "HAVING count(DISTINCT p.name) >= 2 ORDER BY m.firm_id LIMIT 1")[0]
    return int(firm), list(names)


def test_an_analyst_splits_and_merges_and_a_viewer_cannot(server: Server) -> None:
    firm, names = _firm_with_spellings(server)
    body = {"name": names[0], "note": "two companies"}
    assert server.client.post(f"/firms/{firm}/split", json=body,
                              headers=server.auth("vera")).status_code == 403
    done = server.client.post(f"/firms/{firm}/split", json=body, headers=server.auth("anna"))
    assert done.status_code == 200, done.text
    assert done.json()["spellings_split"] >= 1
    merged = server.client.post(f"/firms/{firm}/merge", json={"other_firm_id": firm + 1},
                                headers=server.auth("anna"))
    assert merged.status_code in (200, 404), merged.text
    kinds = [c.kind for c in corrections(server.state)]
    assert "split" in kinds
    with server.state.connect() as con:
        actions = [r[0] for r in con.execute(
            "SELECT action FROM audit_log WHERE action LIKE 'firm.%'")]
    assert "firm.split" in actions


def test_corrections_refuse_what_makes_no_sense(server: Server) -> None:
    firm, _ = _firm_with_spellings(server)
    itself = server.client.post(f"/firms/{firm}/merge", json={"other_firm_id": firm},
                                headers=server.auth("anna"))
    assert itself.status_code == 400 and "itself" in itself.text
    neither = server.client.post(f"/firms/{firm}/split", json={},
                                 headers=server.auth("anna"))
    assert neither.status_code == 422
    unknown = server.client.post(f"/firms/{firm}/split", json={"name": "No Such Spelling"},
                                 headers=server.auth("anna"))
    assert unknown.status_code == 404 and "No Such Spelling" in unknown.text
    missing = server.client.post("/firms/999999/merge", json={"other_firm_id": firm},
                                 headers=server.auth("anna"))
    assert missing.status_code == 404


def test_the_firm_page_offers_the_corrections(server: Server) -> None:
    firm, names = _firm_with_spellings(server)
    server.client.cookies.clear()
    login = server.client.post("/login", data={"name": "anna", "password": PASSWORD,
                                               "next": "/ui/firms"}, follow_redirects=False)
    assert login.status_code == 303
    csrf = server.client.get("/auth/me").json()["csrf_token"]
    page = server.client.get(f"/ui/firms/{firm}")
    assert page.status_code == 200
    assert f'action="/ui/firms/{firm}/split"' in page.text
    assert f'action="/ui/firms/{firm}/merge"' in page.text
    before = len(corrections(server.state))
    done = server.client.post(f"/ui/firms/{firm}/split", follow_redirects=False,
                              data={"csrf_token": csrf, "name": names[-1], "note": "form"})
    assert done.status_code == 303 and done.headers["location"].endswith("#corrections")
    assert len(corrections(server.state)) > before
    server.client.cookies.clear()
