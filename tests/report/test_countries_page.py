"""The report's country page on the real shared statistics: written when they are loaded,
its three charts drawn in headless Chromium, its figures those of dibwatch.countries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dibwatch.countries import load_stats, mirror_gaps
from dibwatch.report import ReportResult, write_report
from dibwatch.testing import shared_file
from tests.report.browser import MEASURE, assert_drawn, open_page
from tests.report.conftest import ReportWorld

TRADE = "trade/eurostat_eu_exports_to_russia_and_neighbours"
FILES = ["trade/imf_imts_russia_by_partner/RU_trade.csv",
         f"{TRADE}/kyrgyz_export_eurostat.csv", f"{TRADE}/national_kyrgyz_import_yearly.csv",
         f"{TRADE}/kazakhstan_export_eurostat.csv", f"{TRADE}/eu_year_export.csv"]


@pytest.fixture(scope="module")
def with_countries(report_world: ReportWorld,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportResult]:
    paths = [shared_file(f) for f in FILES]
    for path in paths:
        load_stats(report_world.ws, path)
    yield write_report(report_world.ws, tmp_path_factory.mktemp("site-countries"),
                       dossiers=1, pdf=False)


def test_no_country_page_without_statistics(report_world: ReportWorld) -> None:
    assert report_world.result.countries is None
    assert "countries.html" not in report_world.result.index.read_text(encoding="utf-8")


def test_country_page_lists_the_mirror_gaps(report_world: ReportWorld,
                                            with_countries: ReportResult) -> None:
    assert with_countries.countries is not None
    html = with_countries.countries.read_text(encoding="utf-8")
    assert 'href="countries.html"' in with_countries.index.read_text(encoding="utf-8")
    kg = next(g for g in mirror_gaps(report_world.ws.engine)
              if g.partner == "KG" and g.year == 2023)
    row = re.search(r"<td>KG</td><td>2023</td><td>([\d,]+)</td>", html)
    assert row is not None and row.group(1) == f"{kg.exports_usd:,.0f}"
    assert html.count("<svg") == 3


@pytest.mark.browser
def test_country_charts_are_drawn(browser: Any, with_countries: ReportResult,
                                  artifacts: Path) -> None:
    assert with_countries.countries is not None
    page = open_page(browser, with_countries.countries)
    drawn = page.eval_on_selector_all("svg.chart", MEASURE)
    assert len(drawn) == 3
    assert_drawn(drawn)
    page.screenshot(path=str(artifacts / "countries.png"), full_page=True)
