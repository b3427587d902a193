"""The report in headless Chromium: charts and the network picture are drawn.

Uses the Debian browser (/usr/bin/chromium) through Playwright; skips when either is missing,
except under CI=true where a missing browser is a failure. Screenshots go to
$DIBWATCH_TEST_ARTIFACTS (or a temporary folder) for a human to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.report.browser import MEASURE, assert_drawn, open_page
from tests.report.conftest import ReportWorld

# Charts on the overview: monthly flows, tiers, exporter and dispatch countries, hubs,
# brands, top exporters and importers.
OVERVIEW_CHARTS = 8

pytestmark = pytest.mark.browser


def test_overview_charts_are_drawn(browser: Any, report_world: ReportWorld,
                                   artifacts: Path) -> None:
    page = open_page(browser, report_world.result.index)
    charts = page.eval_on_selector_all("svg.chart", MEASURE)
    assert len(charts) == OVERVIEW_CHARTS
    assert_drawn(charts)
    assert page.locator("table.ranked tbody tr").count() > 0
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)


def test_dossier_charts_and_network_are_drawn(browser: Any, report_world: ReportWorld,
                                              artifacts: Path) -> None:
    dossier = report_world.result.dossiers[0]
    page = open_page(browser, dossier.html)
    assert_drawn(page.eval_on_selector_all("svg.chart", MEASURE))
    network = page.eval_on_selector_all("figure.network svg", MEASURE)
    assert len(network) == 1
    assert_drawn(network)
    # Nodes and edges: at least the firm and one neighbour, with their labels.
    assert network[0]["label"] == f"network of {dossier.caption}"
    assert network[0]["texts"] >= 2
    # A flag's evidence link scrolls to its table.
    link = page.locator("table.flags-summary a[href^='#evidence-']").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target
    page.screenshot(path=str(artifacts / f"dossier-{dossier.firm_id}.png"), full_page=True)
