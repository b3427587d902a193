"""The dossier reads as a case file for people: a plain-language summary at the top whose
numbers come from the workspace, the designation date behind "shipped after the counterparty
was listed", a shared address as the firms there, and every evidence line citing its
declaration, item and source line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from dibwatch.report import write_report
from dibwatch.report.dossier import source_text
from dibwatch.risk.labels import flag_title, usd
from tests.report.conftest import ReportWorld


def _page(path: Path) -> Any:
    return lxml_html.fromstring(path.read_text("utf-8"))


def _text(node: Any) -> str:
    return " ".join(node.text_content().split())


def _dossier_rows(world: ReportWorld, xpath: str) -> Iterator[tuple[Any, Any]]:
    """(dossier, table row) for every row ``xpath`` finds in every dossier written."""
    for dossier in world.result.dossiers:
        for row in _page(dossier.html).xpath(xpath):
            yield dossier, row


def _facts(page: Any) -> dict[str, str]:
    section = page.get_element_by_id("summary")
    return {_text(dt): _text(dd) for dt, dd in zip(section.xpath(".//dt"),
                                                     section.xpath(".//dd"), strict=True)}


FIRM_VALUE = """
SELECT count(*), sum(coalesce(s.value_usd, 0))
FROM (SELECT DISTINCT load_id, line_no FROM shipment_parties sp
      JOIN firm_members m USING (mention_id) WHERE m.firm_id = ?) l
JOIN shipments s USING (load_id, line_no)
"""


def test_summary_says_who_what_how_much_and_why(report_world: ReportWorld) -> None:
    ws, run_id = report_world.ws, report_world.run_id
    for dossier in report_world.result.dossiers:
        page = _page(dossier.html)
        facts = _facts(page)
        assert list(facts)[:3] == ["Who", "What goods", "How much"], facts
        assert "Why flagged" in facts
        caption = ws.engine.scalar("SELECT caption FROM firms WHERE firm_id = ?",
                                   [dossier.firm_id])
        assert facts["Who"].startswith(" ".join(str(caption).split())), facts["Who"]
        lines, value = ws.engine.query(FIRM_VALUE, [dossier.firm_id])[0]
        assert f"on {lines:,} shipment line" in facts["Who"]
        assert facts["How much"].startswith(f"{usd(value)} in all"), facts["How much"]
        top = ws.engine.scalar(
            "SELECT contributions FROM firm_scores WHERE run_id = ? AND firm_id = ?",
            [run_id, dossier.firm_id])
        contributions = json.loads(top) if isinstance(top, str) else top
        best = max(contributions, key=lambda k: contributions[k])
        assert flag_title(best).lower() in facts["Why flagged"]
        # Money is always written with its unit.
        assert len(re.findall(r"\d (?:m |bn )?USD", facts["How much"])) == 4, facts


LISTED = """
SELECT DISTINCT sa.listing_date
FROM firm_screening fs JOIN sanctions sa ON sa.entity_id = fs.entity_id
WHERE fs.firm_id = ? AND fs.score >= 0.9 AND sa.listing_date IS NOT NULL
"""


def test_listed_counterparty_shows_designation_date_and_trade_after(
        report_world: ReportWorld) -> None:
    ws = report_world.ws
    checked = 0
    for dossier, row in _dossier_rows(
            report_world, "//table[contains(@class, 'listed-counterparties')]/tbody/tr"):
        other = int(row.get("data-firm"))
        cells = [_text(td) for td in row.xpath("./td")]
        designated = cells[3]
        dates = {str(d)[:10] for (d,) in ws.engine.query(LISTED, [other])}
        assert designated in dates, (cells, dates)
        shared = ws.engine.query(
            """SELECT count(*) FILTER (WHERE s."date" >= CAST(? AS DATE)),
                      min(s."date") FILTER (WHERE s."date" >= CAST(? AS DATE))
               FROM (SELECT DISTINCT a.load_id, a.line_no FROM firm_lines a
                     JOIN firm_lines b USING (load_id, line_no)
                     WHERE a.firm_id = ? AND b.firm_id = ?) l
               JOIN shipments s USING (load_id, line_no)
               JOIN risk_evidence e ON e.load_id = l.load_id AND e.line_no = l.line_no
               JOIN risk_flags f ON f.run_id = e.run_id AND f.flag_no = e.flag_no
               WHERE f.run_id = ? AND f.firm_id = ?
                 AND f.indicator = 'listed_counterparty'""",
            [designated, designated, dossier.firm_id, other, report_world.run_id,
             dossier.firm_id])[0]
        assert int(cells[7]) == shared[0], cells
        assert cells[9] == (str(shared[1]) if shared[1] else ""), cells
        checked += 1
    assert checked > 0, "no dossier shows a listed counterparty"


def test_shared_address_is_shown_as_the_firms_there(report_world: ReportWorld,
                                                   tmp_path: Path) -> None:
    ws, run_id = report_world.ws, report_world.run_id
    flagged = ws.engine.query(
        """SELECT f.firm_id, f.flag_no, f.detail, s.rank FROM risk_flags f
           JOIN firm_scores s USING (run_id, firm_id)
           WHERE f.run_id = ? AND f.indicator = 'shared_address' ORDER BY s.rank LIMIT 1""",
        [run_id])
    if not flagged:
        pytest.fail("the report world has no shared-address cluster: the demo generator "
                    "lost its shell clusters")
    firm_id, flag_no, detail, rank = flagged[0]
    result = write_report(ws, tmp_path / "site", dossiers=int(rank), pdf=False)
    page = _page(result.out_dir / "firms" / f"{firm_id}.html")
    table = page.get_element_by_id(f"evidence-{flag_no}")
    assert "firms-at-address" in table.get("class")
    addresses = (json.loads(detail) if isinstance(detail, str) else detail)["addresses"]
    expected = {int(r[0]) for r in ws.engine.query(
        """SELECT DISTINCT m.firm_id FROM party_mentions p JOIN firm_members m USING (mention_id)
           WHERE list_contains(?, p.address_norm)""", [addresses])}
    shown = {int(tr.get("data-firm")) for tr in table.xpath("./tbody/tr")}
    assert shown == expected and firm_id in shown
    assert not page.get_element_by_id(f"flag-{flag_no}").xpath(".//tr[contains(@class, 'ev')]")


def test_every_evidence_line_cites_declaration_item_and_source(
        report_world: ReportWorld) -> None:
    ws = report_world.ws
    checked = 0
    for _, tr in _dossier_rows(report_world, "//tr[contains(@class, 'ev')]"):
        anchor = tr.get("id")
        if "-e-" in anchor:
            continue
        _, _, load_id, line_no = anchor.split("-")
        declaration, item, file = ws.engine.query(
            """SELECT s.declaration_id, s.item_no, ld.file FROM shipments s
               JOIN shipment_loads ld USING (load_id)
               WHERE s.load_id = ? AND s.line_no = ?""", [int(load_id), int(line_no)])[0]
        cite = _text(tr.xpath("./td[contains(@class, 'cite')]")[0])
        assert f"declaration {declaration} item {item}" in cite, cite
        assert source_text(file, int(line_no)) in cite, cite
        checked += 1
    assert checked > 0
    header = report_world.result.dossiers[0].evidence_csv.read_text("utf-8").splitlines()[0]
    assert header.startswith("indicator,flag_no,declaration_id,item_no,file,line_no")
