"""The UN Comtrade layout (fictional values, tests/countries/data/comtrade_sample.csv) loads
and gives CHPL-tier aggregates."""

from __future__ import annotations

from pathlib import Path

import pytest

from dibwatch.countries import (
    chpl_tier_flows,
    detect_format,
    list_snapshots,
    load_stats,
    partner_shares,
)
from dibwatch.workspace import Workspace

SAMPLE = Path(__file__).parent / "data" / "comtrade_sample.csv"

# (partner, flow, year, tier) -> (value, distinct HS-6 codes, growth vs 2019–2021 mean)
EXPECTED = {
    ("CN", "import", 2019, "1"): (1500.0, 2, -0.25),  # 854231 1000 + 854239 500
    ("CN", "import", 2020, "1"): (2000.0, 2, 0.0),
    ("CN", "import", 2021, "1"): (2500.0, 2, 0.25),
    ("CN", "import", 2023, "1"): (10500.0, 2, 4.25),  # 9000 + 1500; baseline 2000
    ("CN", "import", 2019, "2"): (2000.0, 1, 0.0),  # 851762
    ("CN", "import", 2020, "2"): (1000.0, 1, -0.5),
    ("CN", "import", 2021, "2"): (3000.0, 1, 0.5),
    ("CN", "import", 2023, "2"): (12000.0, 1, 5.0),
    ("CN", "import", 2019, "3.A"): (300.0, 1, -0.5),  # 847150; baseline 600
    ("CN", "import", 2020, "3.A"): (600.0, 1, 0.0),
    ("CN", "import", 2021, "3.A"): (900.0, 1, 0.5),
    ("CN", "import", 2023, "3.A"): (900.0, 1, 0.5),
    ("TR", "import", 2019, "2"): (400.0, 1, -0.2),  # baseline 500
    ("TR", "import", 2020, "2"): (500.0, 1, 0.0),
    ("TR", "import", 2021, "2"): (600.0, 1, 0.2),
    ("TR", "import", 2023, "2"): (4800.0, 1, 8.6),
    ("CN", "export", 2023, "1"): (55.0, 1, None),  # no baseline years
}


@pytest.fixture
def loaded(ws: Workspace) -> Workspace:
    result = load_stats(ws, SAMPLE)
    assert result.snapshot.format == "un_comtrade"
    return ws


def test_format_is_detected() -> None:
    assert detect_format(SAMPLE).name == "un_comtrade"


def test_load_counts(loaded: Workspace) -> None:
    [snapshot] = list_snapshots(loaded.engine)
    # 51 data rows: the mode-of-transport breakdown and the re-export are skipped.
    assert (snapshot.row_count, snapshot.skipped_count, snapshot.warning_count,
            snapshot.leftover_count) == (49, 2, 0, 0)


def test_chpl_tier_aggregates(loaded: Workspace) -> None:
    rows = chpl_tier_flows(loaded.engine, reporter="KG")
    got = {(r.partner, r.flow, r.year, r.tier): (r.value, r.codes, r.growth_vs_baseline)
           for r in rows}
    assert got.keys() == EXPECTED.keys()
    for key, (value, codes, growth) in EXPECTED.items():
        assert got[key][:2] == (value, codes), key
        assert got[key][2] == (None if growth is None else pytest.approx(growth)), key
    assert {r.currency for r in rows} == {"USD"}
    assert {r.source for r in rows} == {"un_comtrade"}


def test_totals_use_the_world_row(loaded: Workspace) -> None:
    shares = {(p.partner, p.year): p for p in partner_shares(
        loaded.engine, reporter="KG", source="un_comtrade")}
    # 2023: China TOTAL 10000 + 23500 = 33500; Türkiye 14800; World 33500 + 14800 + 50000.
    china = shares[("CN", 2023)]
    assert (china.value, china.total) == (33500.0, 98300.0)
    assert china.share == pytest.approx(33500 / 98300)
