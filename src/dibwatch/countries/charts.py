"""Chart-ready data for a country page: plain series of (year, value), no drawing. The
report's charts module draws them; the values are the indicators' own."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.countries.indicators import (
    NEIGHBOURS,
    mirror_gaps,
    partner_shares,
    roundabout,
)
from dibwatch.countries.rates import Conversion
from dibwatch.engine import Engine
from dibwatch.model.country import country_name


@dataclass(frozen=True)
class Series:
    key: str  # ISO-2 or special code
    label: str
    years: tuple[int, ...]
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartData:
    title: str
    unit: str
    series: tuple[Series, ...]
    note: str = ""


def partner_share_series(engine: Engine, *, reporter: str = "RU", flow: str = "import",
                         top: int = 6, source: str = "imf_imts") -> ChartData:
    """Share (%) of the ``top`` partners of the latest year, every year."""
    shares = partner_shares(engine, reporter=reporter, flow=flow, source=source)
    if not shares:
        return ChartData(f"{reporter} {flow}s by partner", "% of total", ())
    years = tuple(sorted({s.year for s in shares}))
    latest = [s.partner for s in shares if s.year == years[-1]][:top]
    by_key = {(s.partner, s.year): s.share * 100 for s in shares}
    series = tuple(Series(p, country_name(p), years, tuple(by_key.get((p, y)) for y in years))
                   for p in latest)
    return ChartData(f"{country_name(reporter)}: {flow}s by partner", "% of total", series,
                     f"source {source}; partners: the {top} largest of {years[-1]}")


def roundabout_series(engine: Engine, *, neighbours: tuple[str, ...] = NEIGHBOURS) -> ChartData:
    """EU exports to each neighbour as an index (2019–2021 = 100), and the same index of EU
    exports to all extra-EU partners; complete years only."""
    rows = [r for r in roundabout(engine, neighbours=neighbours) if r.index is not None]
    years = tuple(sorted({r.year for r in rows}))
    series = [Series(n, country_name(n), years,
                     tuple(next((r.index for r in rows if r.neighbour == n and r.year == y),
                                None) for y in years)) for n in neighbours]
    world = {r.year: r.world_index for r in rows}
    series.append(Series("EXTRA_EU27", "all extra-EU partners", years,
                         tuple(world.get(y) for y in years)))
    return ChartData("EU exports to Russia's neighbours", "index, 2019–2021 = 100",
                     tuple(series), "Eurostat Comext, EUR, complete years")


def mirror_series(engine: Engine, *, conversion: Conversion | None = None) -> ChartData:
    """Mirror gap (USD millions) by partner and year: EU exports minus the partner's imports
    from the EU, CIF brought to FOB."""
    conv = conversion or Conversion()
    rows = mirror_gaps(engine, conversion=conv)
    years = tuple(sorted({r.year for r in rows}))
    partners = tuple(dict.fromkeys(r.partner for r in rows))
    gaps = {(r.partner, r.year): r.gap_usd / 1e6 for r in rows}
    series = tuple(Series(p, country_name(p), years, tuple(gaps.get((p, y)) for y in years))
                   for p in partners)
    return ChartData("Mirror gap: EU exports minus partner's recorded imports from the EU",
                     "USD million", series, f"CIF/FOB factor {conv.cif_fob_factor}")
