"""The report's designations page on real lists: written when the lists were
cross-referenced, its four charts drawn in headless Chromium, its figures those of
dibwatch.xref."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dibwatch.lists.loader import load_list
from dibwatch.report import ReportResult, write_report
from dibwatch.testing import shared_file
from dibwatch.xref import XrefSettings, run_xref
from dibwatch.xref.coverage import coverage_summary, parties
from tests.report.browser import MEASURE, assert_drawn, open_page
from tests.report.conftest import ReportWorld

LISTS = ["sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0833.csv",
         "sanctions/un_consolidated_2026-02/consolidated.xml",
         "sanctions/us_dod_1260h_chinese_military_companies/sanctions.csv",
         "sanctions/us_bis_mieu/mieu.csv"]
CHARTS = 4  # first listings per month (all, CN/HK), by country, CN/HK by program family


@pytest.fixture(scope="module")
def with_designations(report_world: ReportWorld,
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportResult]:
    paths = [shared_file(f) for f in LISTS]
    for path in paths:
        load_list(report_world.ws, path)
    run_xref(report_world.ws, settings=XrefSettings(workers=1))
    yield write_report(report_world.ws, tmp_path_factory.mktemp("site-designations"),
                       dossiers=1, pdf=False)


def test_no_designations_page_without_a_run(report_world: ReportWorld) -> None:
    assert report_world.result.designations is None
    assert "designations.html" not in report_world.result.index.read_text(encoding="utf-8")


def test_designations_page_counts_are_xrefs(report_world: ReportWorld,
                                          with_designations: ReportResult) -> None:
    page = with_designations.designations
    assert page is not None
    assert 'href="designations.html"' in with_designations.index.read_text(encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == CHARTS
    summary = coverage_summary(parties(report_world.ws.engine, countries=["cn", "hk"]),
                               ["cn", "hk"])
    eu = summary["hk"]["EU"]
    row = re.search(r"<tr><td>HK</td>(.*?)</tr>", html, re.S)
    assert row is not None and f"{eu.parties} ({eu.russia} Russia" in row.group(1)
    assert eu.russia > 40  # Annex IV lists some 60 Hong Kong firms


@pytest.mark.browser
def test_designation_charts_are_drawn(browser: Any, with_designations: ReportResult,
                                      artifacts: Path) -> None:
    assert with_designations.designations is not None
    page = open_page(browser, with_designations.designations)
    drawn = page.eval_on_selector_all("svg.chart", MEASURE)
    assert len(drawn) == CHARTS
    assert_drawn(drawn)
    labels = [c["label"] for c in drawn]
    assert any("first listed per month" in label for label in labels)
    assert any("by country and listing body" in label for label in labels)
    assert page.locator("#gaps-table tr").count() > 1
    page.screenshot(path=str(artifacts / "designations.png"), full_page=True)
