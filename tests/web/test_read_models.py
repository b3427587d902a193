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
from tests.web.conftest import Server, make_server


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
