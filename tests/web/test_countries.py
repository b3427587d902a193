"""The dashboard's country page and the /countries API on the real shared statistics: the
figures are those of dibwatch.countries, the charts are drawn in Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dibwatch.countries import load_stats, mirror_gaps
from dibwatch.testing import shared_file
from dibwatch.workspace import Workspace
from tests.web.conftest import PASSWORD, Server, make_server

TRADE = "trade/eurostat_eu_exports_to_russia_and_neighbours"
FILES = ["trade/imf_imts_russia_by_partner/RU_trade.csv",
         f"{TRADE}/kyrgyz_export_eurostat.csv", f"{TRADE}/national_kyrgyz_import_yearly.csv",
         f"{TRADE}/eu_year_export.csv"]


@pytest.fixture(scope="module")
def stats_workspace(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = [shared_file(f) for f in FILES]
    path = tmp_path_factory.mktemp("web-countries") / "stats.duckdb"
    shutil.copy(demo_workspace, path)
    with Workspace(path) as ws:
        for file in paths:
            load_stats(ws, file)
    return path


@pytest.fixture(scope="module")
def stats_server(stats_workspace: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Server]:
    yield from make_server(stats_workspace, tmp_path_factory.mktemp("web-countries-server"))


def test_countries_api_gives_the_mirror_gaps(stats_server: Server,
                                             stats_workspace: Path) -> None:
    with Workspace(stats_workspace, read_only=True) as ws:
        want = {(g.partner, g.year): g.gap_usd for g in mirror_gaps(ws.engine)}
    got = stats_server.client.get("/countries", headers=stats_server.auth("vera"))
    assert got.status_code == 200, got.text
    body = got.json()
    rows = {(r["partner"], r["year"]): r["gap_usd"] for r in body["mirror_rows"]}
    assert rows == pytest.approx(want) and ("KG", 2023) in rows
    labels = {s["label"] for s in body["partner_shares"]["series"]}
    assert "China" in labels


def test_countries_api_needs_a_user(stats_server: Server) -> None:
    assert stats_server.client.get("/countries").status_code == 401


def test_dashboard_country_page_draws_three_charts(stats_server: Server) -> None:
    client = stats_server.client
    login = client.post("/login", data={"name": "vera", "password": PASSWORD},
                        follow_redirects=False)
    assert login.status_code == 303
    page = client.get("/ui/countries")
    assert page.status_code == 200
    assert page.text.count('<svg') == 3 and "<td>KG</td><td>2023</td>" in page.text
