"""The dashboard and the printed dossier read a firm's counterparties and the latest risk run
from the same read models, so they agree (they once counted counterparties differently)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html as lxml_html

from dibwatch.report import write_report
from dibwatch.resolve.read import counterparties
from dibwatch.risk.read import latest_run
from tests.web.conftest import PASSWORD, Server, make_server


@pytest.fixture(scope="module")
def served(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    yield from make_server(demo_workspace, tmp_path_factory.mktemp("read-models"))


def test_dashboard_and_dossier_agree_on_counterparties(served: Server, tmp_path: Path) -> None:
    with served.app.state.ctx.service.locked() as ws:
        report = write_report(ws, tmp_path / "site", dossiers=4, pdf=False)
        run = latest_run(ws.engine)
    assert report.run_id == run
    checked = 0
    for dossier in report.dossiers:
        api = served.client.get(f"/firms/{dossier.firm_id}", headers=served.auth("vera"))
        assert api.status_code == 200, api.text
        body = api.json()
        assert body["risk_run"] == report.run_id
        on_dashboard = [(c["caption"], c["lines"], round(c["value_usd"]))
                        for c in body["counterparties"]]
        page = lxml_html.fromstring(dossier.html.read_text("utf-8"))
        in_dossier = []
        for row in page.xpath("//section[@id='counterparties']//tbody/tr"):
            cells = [c.text_content().strip() for c in row.xpath("./td")]
            in_dossier.append((cells[0], int(cells[4]), int(cells[5].replace(",", ""))))
        # Both by value, largest first; the dossier lists the first 50, the dashboard 100.
        assert in_dossier and in_dossier == on_dashboard[:len(in_dossier)]
        checked += 1
    assert checked == 4


def test_the_read_model_counts_each_shared_line_once(served: Server) -> None:
    with served.app.state.ctx.service.locked() as ws:
        firm = int(ws.engine.scalar("SELECT firm_id FROM firm_scores WHERE rank = 1 AND "
                                    "run_id = (SELECT run_id FROM latest_risk_run)"))
        partners = counterparties(ws.engine, firm, 1000)
        direct = dict(ws.engine.query(
            "SELECT b.firm_id, count(DISTINCT (a.load_id, a.line_no)) FROM shipment_parties a"
            " JOIN firm_members am ON am.mention_id = a.mention_id"
            " JOIN shipment_parties b ON a.load_id = b.load_id AND a.line_no = b.line_no"
            " JOIN firm_members bm ON bm.mention_id = b.mention_id"
            " WHERE am.firm_id = ? AND bm.firm_id <> ? GROUP BY bm.firm_id".replace(
                "b.firm_id", "bm.firm_id"), [firm, firm]))
    assert {p.firm_id: p.lines for p in partners} == direct


def test_one_firms_counterparties_are_the_views_rows(served: Server) -> None:
    with served.app.state.ctx.service.locked() as ws:
        firms = [int(f) for (f,) in ws.engine.query(
            "SELECT firm_id FROM firms ORDER BY mention_count DESC, firm_id LIMIT 12")]
        for firm in firms:
            view = ws.engine.query(
                "SELECT c.counterparty_id, f.caption, f.country, c.own_roles, c.their_roles,"
                " c.lines, c.value_usd, c.first_day, c.last_day FROM firm_counterparties c"
                " JOIN firms f ON f.firm_id = c.counterparty_id WHERE c.firm_id = ?"
                " ORDER BY c.value_usd DESC, c.counterparty_id", [firm])
            got = counterparties(ws.engine, firm, 10_000)
            assert view, firm
            assert [(p.firm_id, p.caption, p.country, list(p.own_roles), list(p.their_roles),
                     p.lines, pytest.approx(p.value_usd), p.first_day, p.last_day)
                    for p in got] == [(int(r[0]), r[1], r[2], list(r[3]), list(r[4]), int(r[5]),
                                       float(r[6]), r[7], r[8]) for r in view]


def test_dossier_and_dashboard_show_why_a_firm_was_joined(served: Server, tmp_path: Path
                                                           ) -> None:
    with served.app.state.ctx.service.locked() as ws:
        firm = int(ws.engine.scalar(
            "SELECT firm_id FROM firms WHERE member_count > 2 ORDER BY mention_count DESC "
            "LIMIT 1"))
        used = int(ws.engine.scalar("SELECT count(*) FROM firm_links WHERE firm_id = ?",
                                    [firm]))
        members = int(ws.engine.scalar("SELECT member_count FROM firms WHERE firm_id = ?",
                                       [firm]))
        refused = ws.engine.query("SELECT firm_l, firm_r, reason FROM firm_link_refusals "
                                  "WHERE firm_l <> firm_r LIMIT 1")
    assert used == members - 1  # a spanning tree: every link used joined two parts
    body = served.client.get(f"/firms/{firm}", headers=served.auth("vera")).json()
    assert len(body["joined_by"]) == used
    assert all("name:" in k["evidence"] for k in body["joined_by"] if k["source"] == "model")
    served.client.cookies.clear()
    served.client.post("/login", data={"name": "vera", "password": PASSWORD, "next": "/"},
                       follow_redirects=False)
    page = served.client.get(f"/ui/firms/{firm}")
    assert page.status_code == 200 and "Why these spellings are one firm" in page.text
    if refused:
        firm_l, firm_r, reason = refused[0]
        other = served.client.get(f"/firms/{firm_l}", headers=served.auth("vera")).json()
        assert {"other_firm": firm_r, "reason": reason}.items() <= \
            next(k for k in other["kept_apart"] if k["other_firm"] == firm_r).items()
