"""The report site of a small world: ranked table, dossiers, evidence links, PDFs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from dibwatch.errors import NotFoundError
from dibwatch.report import evidence_anchor, write_report
from dibwatch.risk import ranked_firms
from dibwatch.workspace import Workspace
from tests.report.conftest import DOSSIERS, HOSTILE_NAME, ReportWorld
from tests.report.pdftext import pdf_text

EVIDENCE_SQL = """
SELECT e.flag_no, e.load_id, e.line_no, e.entity_id
FROM risk_evidence e JOIN risk_flags f USING (run_id, flag_no)
WHERE e.run_id = ? AND f.firm_id = ?
"""


def _cls(name: str) -> str:
    """An XPath test for an HTML class (cssselect is not installed)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


EV_ROWS = f".//tr[{_cls('ev')}]"


def _page(path: Path) -> Any:
    return lxml_html.fromstring(path.read_text("utf-8"))


def _flagged(world: ReportWorld) -> list[dict[str, Any]]:
    return [r for r in ranked_firms(world.ws, world.run_id) if r["score"] > 0]


def test_ranked_table_lists_firms_in_rank_order(report_world: ReportWorld) -> None:
    page = _page(report_world.result.index)
    rows = page.xpath(f"//table[{_cls('ranked')}]/tbody/tr")
    expected = _flagged(report_world)
    assert [int(r.get("data-firm")) for r in rows] == [e["firm_id"] for e in expected]
    assert [int(r.xpath("./td")[0].text_content()) for r in rows] == \
        list(range(1, len(expected) + 1))
    assert [r.xpath(f"./td[{_cls('caption')}]")[0].text_content() for r in rows] == \
        [e["caption"] for e in expected]


def test_firm_names_are_escaped(report_world: ReportWorld) -> None:
    raw = report_world.result.index.read_text("utf-8")
    assert "<b>&" not in raw
    assert "ООО «Тест» &lt;b&gt;&amp;" in raw


def test_a_dossier_for_exactly_the_top_n(report_world: ReportWorld) -> None:
    out = report_world.result.out_dir
    top = [e["firm_id"] for e in _flagged(report_world)[:DOSSIERS]]
    assert sorted(p.name for p in (out / "firms").glob("*.html")) == \
        sorted(f"{f}.html" for f in top)
    assert [d.firm_id for d in report_world.result.dossiers] == top
    count = _page(report_world.result.index).get_element_by_id("dossier-count")
    assert f"{DOSSIERS} dossiers written" in " ".join(count.text_content().split())
    # Ranked rows link to a dossier exactly when one was written.
    links = {a.get("href") for a in _page(report_world.result.index).xpath(
        f"//table[{_cls('ranked')}]//a")}
    assert links == {f"firms/{f}.html" for f in top}


def test_every_flag_links_to_its_evidence_rows(report_world: ReportWorld) -> None:
    ws, run_id = report_world.ws, report_world.run_id
    for dossier in report_world.result.dossiers:
        page = _page(dossier.html)
        flags = ws.engine.query("SELECT flag_no, indicator FROM risk_flags "
                                "WHERE run_id = ? AND firm_id = ?", [run_id, dossier.firm_id])
        assert flags, dossier
        evidence: dict[int, set[str]] = {}
        for flag_no, load_id, line_no, entity_id in ws.engine.query(
                EVIDENCE_SQL, [run_id, dossier.firm_id]):
            evidence.setdefault(flag_no, set()).add(
                evidence_anchor(flag_no, load_id, line_no, entity_id))
        summary_links = {a.get("href") for a in page.xpath(f"//table[{_cls('flags-summary')}]//a")}
        for flag_no, indicator in flags:
            block = page.get_element_by_id(f"flag-{flag_no}")
            assert block.get("data-indicator") == indicator
            assert f"#flag-{flag_no}" in summary_links
            assert f"#evidence-{flag_no}" in {a.get("href") for a in block.xpath(".//a")}
            table = page.get_element_by_id(f"evidence-{flag_no}")
            if indicator == "shared_address":
                # The firms at the address stand in for the lines (checked below).
                assert not table.xpath(EV_ROWS)
                continue
            shown = {tr.get("id") for tr in table.xpath(EV_ROWS)}
            # Under the page cap (200) every evidence row is shown, each under its anchor.
            assert shown == evidence[flag_no], (dossier.firm_id, indicator)
            assert all(tr.get("data-flag") == str(flag_no) for tr in table.xpath(EV_ROWS))


def test_chpl_value_recomputed_from_the_rows_shown(report_world: ReportWorld) -> None:
    checked = 0
    for dossier in report_world.result.dossiers:
        page = _page(dossier.html)
        for block in page.xpath("//article[@data-indicator='chpl_exposure']"):
            flag_no = int(block.get("id").removeprefix("flag-"))
            value = report_world.ws.engine.scalar(
                "SELECT value FROM risk_flags WHERE run_id = ? AND flag_no = ?",
                [report_world.run_id, flag_no])
            rows = page.get_element_by_id(f"evidence-{flag_no}").xpath(EV_ROWS)
            assert sum(float(tr.get("data-value")) for tr in rows) == pytest.approx(value)
            checked += 1
    assert checked > 0


def test_evidence_cap_states_how_many_more(report_world: ReportWorld,
                                          tmp_path: Path) -> None:
    ws, run_id = report_world.ws, report_world.run_id
    firm_id, flag_no, count = ws.engine.query(
        """SELECT f.firm_id, f.flag_no, count(*) FROM risk_flags f
           JOIN risk_evidence e USING (run_id, flag_no) JOIN firm_scores s
             ON s.run_id = f.run_id AND s.firm_id = f.firm_id
           WHERE f.run_id = ? AND s.rank = 1 AND e.load_id IS NOT NULL
             AND f.indicator <> 'shared_address'
           GROUP BY ALL ORDER BY count(*) DESC, f.flag_no LIMIT 1""", [run_id])[0]
    assert count > 3
    result = write_report(ws, tmp_path / "capped", dossiers=1, pdf=False, evidence_cap=3)
    page = _page(result.dossiers[0].html)
    assert len(page.get_element_by_id(f"evidence-{flag_no}").xpath(EV_ROWS)) == 3
    more = page.get_element_by_id(f"flag-{flag_no}").xpath(f".//*[{_cls('more')}]")[0]
    assert int(more.get("data-more")) == count - 3
    assert more.text_content() == f"{count - 3} more"
    assert result.dossiers[0].firm_id == firm_id
    assert result.dossiers[0].evidence_rows >= count


def test_pdfs_have_pages_and_the_firm_name(report_world: ReportWorld) -> None:
    for dossier in report_world.result.dossiers:
        assert dossier.pdf is not None and dossier.pdf.exists()
        text, pages = pdf_text(dossier.pdf)
        assert pages == dossier.pdf_pages >= 1
        # Layout may break a long name across lines; compare without whitespace.
        assert re.sub(r"\s", "", dossier.caption) in re.sub(r"\s", "", text), dossier.firm_id


def test_han_and_cyrillic_names_render_in_the_pdf(report_world: ReportWorld) -> None:
    dossier = next(d for d in report_world.result.dossiers
                   if d.firm_id == report_world.hostile_firm)
    assert dossier.caption == HOSTILE_NAME
    assert dossier.pdf is not None
    text, _ = pdf_text(dossier.pdf)
    assert "深圳市测试电子有限公司" in text
    assert "«Тест»" in text


def test_html_only_when_weasyprint_cannot_load(report_world: ReportWorld, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dibwatch.report.site.pdf_writer",
                        lambda: (None, "PDFs not written: no Pango"))
    result = write_report(report_world.ws, tmp_path / "nopdf", dossiers=2)
    assert result.warnings == ("PDFs not written: no Pango",)
    assert [d.pdf for d in result.dossiers] == [None, None]
    assert not list((tmp_path / "nopdf" / "firms").glob("*.pdf"))
    assert len(list((tmp_path / "nopdf" / "firms").glob("*.html"))) == 2


def test_stale_dossiers_are_removed(report_world: ReportWorld, tmp_path: Path) -> None:
    out = tmp_path / "again"
    write_report(report_world.ws, out, dossiers=3, pdf=False)
    write_report(report_world.ws, out, dossiers=1, pdf=False)
    assert len(list((out / "firms").glob("*.html"))) == 1
    assert len(list((out / "firms").glob("*-evidence.csv"))) == 1


def test_no_risk_run_is_a_clear_error(tmp_path: Path) -> None:
    with Workspace(tmp_path / "empty.duckdb") as ws, \
            pytest.raises(NotFoundError, match="dibwatch rank"):
        write_report(ws, tmp_path / "out")


def test_unknown_run_is_a_clear_error(report_world: ReportWorld, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no finished risk run 999"):
        write_report(report_world.ws, tmp_path / "out", run_id=999)


CONFIG_WORDS = re.compile(r"``|\b(min_firms|triggers|full_share|min_lines|full_lines|"
                          r"evidence_prior|hub_routing|chpl_exposure|value_usd|total_usd)\b")


def test_dossiers_speak_in_words_with_units(report_world: ReportWorld) -> None:
    """Flags by their titles, rules with the configured values filled in, every value with
    its unit; configuration keys only in the version tag of a flag heading."""
    from dibwatch.risk.labels import flag_title

    for dossier in report_world.result.dossiers:
        page = _page(dossier.html)
        for block in page.xpath(f"//article[{_cls('flag-block')}]"):
            indicator = block.get("data-indicator")
            heading = block.xpath("./h3")[0]
            assert flag_title(indicator) in heading.text_content()
            prose = " ".join(p.text_content() for p in block.xpath(
                f"./p[{_cls('desc')}] | ./p[{_cls('detail')}]"))
            assert not CONFIG_WORDS.search(prose), (indicator, prose)
            detail = block.xpath(f"./p[{_cls('detail')}]")[0].text_content()
            assert re.search(r"USD|×|suppliers|firms|\d\.\d{3}", detail), detail
        for row in page.xpath(f"//table[{_cls('flags-summary')}]/tbody/tr"):
            cells = [c.text_content().strip() for c in row.xpath("./td")]
            usd_cell, other = cells[2], cells[3]
            assert bool(usd_cell) != bool(other), cells  # one measure, in its own column
            assert not usd_cell or re.fullmatch(r"[\d,]+", usd_cell), cells


def test_each_dossier_shows_why_its_spellings_were_joined(report_world: ReportWorld) -> None:
    for dossier in report_world.result.dossiers:
        links = report_world.ws.engine.scalar(
            "SELECT count(*) FROM firm_links WHERE firm_id = ?", [dossier.firm_id])
        members = report_world.ws.engine.scalar(
            "SELECT member_count FROM firms WHERE firm_id = ?", [dossier.firm_id])
        section = _page(dossier.html).get_element_by_id("resolution")
        rows = section.xpath(".//table[1]/tbody/tr")
        assert len(rows) == links == members - 1
        for row in rows:
            assert "name:" in row.xpath("./td")[4].text_content()


def test_dossiers_scoped_to_their_firms_read_what_the_whole_workspace_gives(
        report_world: ReportWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # While dossiers are written, firm_lines, shipments, classes and evidence stand in
    # temporary tables holding only the chosen firms' rows (at 10M lines each full read took
    # seconds). Every dossier file must be what the unscoped workspace gives.
    import contextlib

    from dibwatch.report import queries

    ws = report_world.ws
    scoped = write_report(ws, tmp_path / "scoped", dossiers=DOSSIERS, pdf=False)
    monkeypatch.setattr(queries, "dossier_scope", lambda *a, **k: contextlib.nullcontext())
    whole = write_report(ws, tmp_path / "whole", dossiers=DOSSIERS, pdf=False)
    files = sorted(p.name for p in (tmp_path / "whole" / "firms").iterdir())
    assert len(files) == 2 * DOSSIERS
    assert files == sorted(p.name for p in (tmp_path / "scoped" / "firms").iterdir())
    for name in files:
        assert (tmp_path / "scoped" / "firms" / name).read_bytes() == \
            (tmp_path / "whole" / "firms" / name).read_bytes(), name
    assert [d.evidence_rows for d in scoped.dossiers] == [d.evidence_rows for d in whole.dossiers]
    # and the shadowing tables are gone afterwards
    assert not ws.engine.query("SELECT table_name FROM duckdb_tables() WHERE temporary")
