"""The aggregate flows a world is calibrated to, derived from public country statistics.

A world's firms and shipments are fictional; only two aggregates follow the public record,
so that the first report a user sees tells the story they know:

* Russia's imports by partner and year (IMF IMTS, imports CIF in USD): the value of the
  world's lines to Russia, by the exporter's country, follows each partner's IMF value (China
  up from 72.7 to 124.3 bn USD between 2021 and 2024, Germany and the United States down to a
  fraction), and the yearly total follows the partners' sum.
* The EU's exports to Russia's neighbours by year (Eurostat Comext, EUR): the world's lines
  from EU exporters to Armenia, Georgia, Kazakhstan, Kyrgyzstan and Uzbekistan grow as the
  EU's exports to them did (Kyrgyzstan about ten-fold from 2021 to 2023).

The packaged tables (``data/ru_imports.csv``, ``data/eu_exports.csv``) are derived from the
files under ``../shared/data/trade`` with ``python -m dibwatch.synth.calibration DIR``; a
test checks that they are current and that a generated world's partner shares match the IMF
series. Only partners the world has firms in are kept: shares are compared among them
(they make 65-78% of Russia's imports in 2019-2024). A partner-year the IMF leaves empty
(Kazakhstan 2024) carries the partner's previous year, marked ``carried``.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from dibwatch.countries.readers import comext, imf
from dibwatch.ingest.report import LoadReport

YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023, 2024)
RU_IMPORTS = "imf_imts_russia_by_partner/RU_trade.csv"
EU_EXPORTS = {
    "AM": "eurostat_eu_exports_to_russia_and_neighbours/armenia_export_eurostat.csv",
    "GE": "eurostat_eu_exports_to_russia_and_neighbours/georgia_export_eurostat.csv",
    "KG": "eurostat_eu_exports_to_russia_and_neighbours/kyrgyz_export_eurostat.csv",
    "KZ": "eurostat_eu_exports_to_russia_and_neighbours/kazakhstan_export_eurostat.csv",
    "UZ": "eurostat_eu_exports_to_russia_and_neighbours/uzbek_export_eurostat.csv",
}
RU_HEADER = ("year", "partner", "value_musd", "basis", "source")
EU_HEADER = ("year", "partner", "value_meur", "months", "source")
IMF_SOURCE = "IMF IMTS, Russia imports CIF by partner (RU_trade.csv)"
EUROSTAT_SOURCE = "Eurostat Comext, EU27 exports"
# The files hold member states and aggregates (EU27, EU, euro area): the EU27 row is used.
EU27 = "EU27_2020"


def modeled_partners() -> tuple[str, ...]:
    """Countries the world has firms in, other than Russia."""
    from dibwatch.synth import tables

    return tuple(c.code for c in tables.countries().values()
                 if c.legal_forms and c.code != "RU")


def derive_ru_imports(path: Path, partners: Iterable[str] | None = None
                      ) -> list[tuple[int, str, float, str]]:
    """(year, partner, value in million USD, basis) for each modeled partner and year."""
    wanted = set(partners if partners is not None else modeled_partners())
    values: dict[str, dict[int, float]] = defaultdict(dict)
    for row in imf.read(path, LoadReport(str(path))):
        if row.flow == "import" and row.reporter == "RU" and row.partner in wanted:
            values[row.partner][row.year] = row.value / 1e6
    out: list[tuple[int, str, float, str]] = []
    for partner in sorted(wanted):
        last: float | None = None
        for year in YEARS:
            value = values[partner].get(year)
            if value is not None:
                out.append((year, partner, round(value, 3), "imf"))
                last = value
            elif last is not None:
                out.append((year, partner, round(last, 3), "carried"))
    return out


def derive_eu_exports(base: Path) -> list[tuple[int, str, float, int]]:
    """(year, neighbour, value in million EUR, months covered) of the EU's exports."""
    out: list[tuple[int, str, float, int]] = []
    for partner, rel in sorted(EU_EXPORTS.items()):
        path = base / rel
        totals: dict[int, float] = defaultdict(float)
        months: dict[int, set[int]] = defaultdict(set)
        for row in comext.read(path, LoadReport(str(path))):
            if (row.flow == "export" and row.reporter == EU27 and row.partner == partner
                    and row.month is not None):
                totals[row.year] += row.value / 1e6
                months[row.year].add(row.month)
        out += [(year, partner, round(totals[year], 3), len(months[year]))
                for year in YEARS if year in totals]
    return out


def render_ru_imports(rows: list[tuple[int, str, float, str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RU_HEADER)
    w.writerows((y, p, f"{v:.3f}", basis, IMF_SOURCE) for y, p, v, basis in rows)
    return buf.getvalue()


def render_eu_exports(rows: list[tuple[int, str, float, int]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EU_HEADER)
    w.writerows((y, p, f"{v:.3f}", m, EUROSTAT_SOURCE) for y, p, v, m in rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m dibwatch.synth.calibration SHARED_TRADE_DIR", file=sys.stderr)
        return 2
    base = Path(args[0])
    data = Path(__file__).parent / "data"
    (data / "ru_imports.csv").write_text(
        render_ru_imports(derive_ru_imports(base / RU_IMPORTS)), encoding="utf-8")
    (data / "eu_exports.csv").write_text(
        render_eu_exports(derive_eu_exports(base)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
