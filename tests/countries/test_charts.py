"""Chart-ready series carry the indicators' values, year by year."""

from __future__ import annotations

from pathlib import Path

import pytest

from dibwatch.countries import (
    load_stats,
    mirror_series,
    partner_share_series,
    roundabout_series,
)
from dibwatch.workspace import Workspace

HEADER = "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
EU = '"European Union - 27 countries (from 2020)"'


def _comext(rows: list[tuple[str, int, int]]) -> str:
    return HEADER + "".join(f'{EU},"{partner}","Total","EXPORT","Total","Jan.-Dec. {year}",'
                            f"{value}\n" for partner, year, value in rows)


def _national(rows: list[tuple[str, int, float]]) -> str:
    return HEADER + "".join(f'Kyrgyzstan,"{partner}",TOTAL,IMPORT,NORMAL,Y{year},{value}\n'
                            for partner, year, value in rows)


@pytest.fixture
def loaded(ws: Workspace, tmp_path: Path) -> Workspace:
    comext = tmp_path / "comext.csv"
    comext.write_text(_comext([("Kyrgyzstan", y, v) for y, v in
                               ((2019, 100), (2020, 100), (2021, 100), (2022, 300))] +
                              [("China", y, 1000) for y in (2019, 2020, 2021, 2022)]))
    national = tmp_path / "national.csv"
    national.write_text(_national(
        [("European Union - 27 countries (from 2020)", 2022, 212.0), ("World", 2022, 1000.0),
         ("China", 2022, 600.0), ("Türkiye", 2022, 100.0)]))
    load_stats(ws, comext)
    load_stats(ws, national)
    return ws


def test_roundabout_series(loaded: Workspace) -> None:
    chart = roundabout_series(loaded.engine, neighbours=("KG",))
    kg, world = chart.series
    assert kg.years == (2019, 2020, 2021, 2022)
    assert kg.values == (100.0, 100.0, 100.0, 300.0)
    # Extra-EU = China + Kyrgyzstan: 1100 each baseline year, 1300 in 2022.
    assert world.key == "EXTRA_EU27"
    assert world.values[-1] == pytest.approx(100 * 1300 / 1100)


def test_mirror_series(loaded: Workspace) -> None:
    chart = mirror_series(loaded.engine)
    [kg] = chart.series
    # 2022: (300 - 212 / 1.06) EUR * 1.0530 USD/EUR, in millions.
    assert kg.years == (2022,)
    assert kg.values[0] == pytest.approx((300 - 200) * 1.0530 / 1e6)


def test_partner_share_series(loaded: Workspace) -> None:
    chart = partner_share_series(loaded.engine, reporter="KG", source="national_stats")
    assert [s.key for s in chart.series] == ["CN", "TR"]  # countries only, never EU27/World
    assert chart.series[0].values == (60.0,)  # 600 of the World row's 1000
