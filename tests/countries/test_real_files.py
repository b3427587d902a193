"""The real shared statistics (../shared/data/trade): figures recomputed here from the raw
rows with the csv module, then compared with what dibwatch.countries computes."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from statistics import mean

import pytest

from dibwatch.countries import (
    Conversion,
    annual_values,
    detect_format,
    extra_exports,
    list_snapshots,
    load_stats,
    mirror_gaps,
    roundabout,
    share_shift,
    top_partners,
)
from dibwatch.testing import shared_file
from dibwatch.workspace import Workspace

EUROSTAT = "trade/eurostat_eu_exports_to_russia_and_neighbours"
IMF = "trade/imf_imts_russia_by_partner/RU_trade.csv"
FILES = [IMF] + [f"{EUROSTAT}/{name}" for name in (
    "armenia_export_eurostat.csv", "eu_year_export.csv", "georgia_export_eurostat.csv",
    "kazakhstan_export_eurostat.csv", "kyrgyz_export_eurostat.csv",
    "kyrgyzstan_import_eurostat.csv", "national_armenia_import_yearly.csv",
    "national_kazakhstan_import_yearly.csv", "national_kyrgyz_import_yearly.csv",
    "national_uzbek_import_yearly.csv", "russia_export_eurostat.csv",
    "uzbek_export_eurostat.csv")]
EU27_LABEL = "European Union - 27 countries (AT,"
ALPHA2 = {"CHN": "CN", "DEU": "DE", "USA": "US", "UGA": "UG", "BLR": "BY"}
USD_PER_EUR_2023 = 1.0813  # ECB yearly average 2023, written here independently of the table


def _rows(relpath: str) -> list[dict[str, str]]:
    with shared_file(relpath).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    paths = [shared_file(f) for f in FILES]
    with Workspace(tmp_path_factory.mktemp("real") / "real.duckdb") as workspace:
        for path in paths:
            load_stats(workspace, path)
        yield workspace


def _imf(partner_id: str, year: int) -> float:
    [row] = [r for r in _rows(IMF) if r["INDICATOR.ID"] == "MG_CIF_USD"
             and r["COUNTERPART_COUNTRY.ID"] == partner_id]
    return float(row[str(year)]) * 1e6


def _eu_year(partner: str, year: int) -> float:
    [row] = [r for r in _rows(f"{EUROSTAT}/eu_year_export.csv")
             if r["PARTNER"] == partner and r["PERIOD"].endswith(f"Jan.-Dec. {year}")]
    return float(row["VALUE_IN_EUR"])


def test_every_file_loads_cleanly(ws: Workspace) -> None:
    got = {Path(s.file).name: (s.format, s.warning_count, s.leftover_count)
           for s in list_snapshots(ws.engine)}
    assert len(got) == len(FILES)
    # The one file with warnings holds 29 rows of Feb. 2024 twice, with the same values.
    assert {name: w for name, (_, w, _) in got.items() if w} == {
        "kyrgyzstan_import_eurostat.csv": 29}
    assert {lo for _, _, lo in got.values()} == {0}
    assert {fmt for fmt, _, _ in got.values()} == {"imf_imts", "eurostat_comext",
                                                    "national_yearly"}


@pytest.mark.parametrize("year", [2021, 2024])
def test_russia_imports_from_china(ws: Workspace, year: int) -> None:
    [got] = [v for v in annual_values(ws.engine, source="imf_imts", reporter="RU",
                                      partner="CN", flow="import") if v.year == year]
    assert got.value == pytest.approx(_imf("CHN", year), rel=1e-12)
    assert (got.currency, got.valuation) == ("USD", "CIF")


def test_china_share_before_and_after_2022(ws: Workspace) -> None:
    shares = {y: _imf("CHN", y) / _imf("G001", y) for y in range(2019, 2025)}
    shift = share_shift(ws.engine)
    assert shift.before_share == pytest.approx(mean(shares[y] for y in (2019, 2020, 2021)))
    assert shift.after_share == pytest.approx(mean(shares[y] for y in (2022, 2023, 2024)))
    by_year = top_partners(ws.engine, n=3)
    for year in (2021, 2024):
        # Countries have alphabetic alpha-3 ids; IMF groups have digits (G001, TX899).
        values = sorted(((float(r[str(year)] or 0), r["COUNTERPART_COUNTRY.ID"])
                         for r in _rows(IMF) if r["INDICATOR.ID"] == "MG_CIF_USD"
                         and r["COUNTERPART_COUNTRY.ID"].isalpha()), reverse=True)
        assert [ALPHA2[code] for _, code in values[:3]] == [p.partner for p in by_year[year]]
    assert by_year[2024][0].share == pytest.approx(shares[2024])
    assert by_year[2024][0].growth_vs_baseline == pytest.approx(
        _imf("CHN", 2024) / mean(_imf("CHN", y) for y in (2019, 2020, 2021)) - 1)


@pytest.mark.parametrize("year", [2019, 2023])
def test_eu_exports_to_kyrgyzstan(ws: Workspace, tmp_path: Path, year: int) -> None:
    monthly = sum(float(r["VALUE_IN_EUR"]) for r in _rows(f"{EUROSTAT}/kyrgyz_export_eurostat.csv")
                  if r["REPORTER"].startswith(EU27_LABEL) and r["PERIOD"].endswith(str(year)))
    # The monthly file alone: the year is the sum of its 12 months.
    with Workspace(tmp_path / "kg.duckdb") as alone:
        load_stats(alone, shared_file(f"{EUROSTAT}/kyrgyz_export_eurostat.csv"))
        [got] = [v for v in annual_values(alone.engine, reporter="EU27_2020",
                                                 partner="KG", flow="export")
                 if v.year == year]
        assert (got.value, got.months) == (monthly, 12)
    # With the yearly file loaded too, Eurostat's own yearly figure is preferred (it differs
    # from the sum of months by rounding: 329,442,452 vs 329,442,456 in 2019).
    [got] = [v for v in annual_values(ws.engine, reporter="EU27_2020", partner="KG",
                                      flow="export")
             if v.year == year]
    assert got.value == _eu_year("Kyrgyzstan", year)
    assert abs(got.value - monthly) <= 10


def test_roundabout_index_for_kyrgyzstan(ws: Workspace) -> None:
    base = mean(_eu_year("Kyrgyzstan", y) for y in (2019, 2020, 2021))
    rows = {r.year: r for r in roundabout(ws.engine, neighbours=("KG",))}
    assert rows[2023].index == pytest.approx(100 * _eu_year("Kyrgyzstan", 2023) / base)
    assert rows[2023].relative_index == pytest.approx(
        100 * rows[2023].index / rows[2023].world_index)  # type: ignore[operator]
    assert (rows[2024].months, rows[2024].index) == (8, None)  # Jan.-Aug. 2024 only


def test_extra_eu_comparator_close_to_eurostat_total(ws: Workspace) -> None:
    # 2017-2018 carry Eurostat's own Extra-EU27 total; the comparator (sum of country
    # partners outside the EU27) misses only stores/provisions and unallocated trade.
    extra = {r["PERIOD"][-4:]: float(r["VALUE_IN_EUR"])
             for r in _rows(f"{EUROSTAT}/eu_year_export.csv")
             if r["PARTNER"] == "Extra-EU27 (from 2020)"}
    comparator = extra_exports(ws.engine)
    for year in (2017, 2018):
        assert 0.97 < comparator[year] / extra[str(year)] < 1.0


def test_mirror_gap_kyrgyzstan_2023_by_hand(ws: Workspace) -> None:
    exports_eur = _eu_year("Kyrgyzstan", 2023)
    [imports_row] = [r for r in _rows(f"{EUROSTAT}/national_kyrgyz_import_yearly.csv")
                     if r["PARTNER"] == "European Union - 27 countries (from 2020)"
                     and r["PERIOD"] == "Y2023"]
    imports_eur = float(imports_row["VALUE_IN_EUR"])
    expected_gap = exports_eur * USD_PER_EUR_2023 - imports_eur * USD_PER_EUR_2023 / 1.06
    [row] = [r for r in mirror_gaps(ws.engine, partners=("KG",)) if r.year == 2023]
    assert row.gap_usd == pytest.approx(expected_gap, rel=1e-12)
    assert row.imports_source == "national_stats"
    # CIF/FOB factor is configurable: at 1.0 the gap is the plain difference.
    [plain] = [r for r in mirror_gaps(ws.engine, partners=("KG",),
                                      conversion=Conversion(cif_fob_factor=1.0))
               if r.year == 2023]
    assert plain.gap_usd == pytest.approx((exports_eur - imports_eur) * USD_PER_EUR_2023)


def test_mirror_gap_russia_uses_imf_in_usd(ws: Workspace) -> None:
    [row] = [r for r in mirror_gaps(ws.engine, partners=("RU",)) if r.year == 2021]
    exports_eur = _eu_year("Russian Federation (Russia)", 2021)
    assert row.imports_source == "imf_imts"
    assert row.imports_usd == pytest.approx(_imf("G998", 2021))
    assert row.exports_usd == pytest.approx(exports_eur * 1.1827)


@pytest.mark.parametrize(("relpath", "fmt"), [
    (IMF, "imf_imts"),
    (f"{EUROSTAT}/kazakhstan_export_eurostat.csv", "eurostat_comext"),
    (f"{EUROSTAT}/eu_year_export.csv", "eurostat_comext"),
    (f"{EUROSTAT}/national_uzbek_import_yearly.csv", "national_yearly"),
])
def test_format_detection(relpath: str, fmt: str) -> None:
    assert detect_format(shared_file(relpath)).name == fmt
