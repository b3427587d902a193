"""Country-level indicators over the loaded statistics: pure functions of the workspace's
current flows (``country_flows_current``), returning typed rows.

Definitions (docs/COUNTRIES.md has the long form):

* baseline: the mean of the yearly values of 2019, 2020 and 2021 (all three required), the
  three years before the 2022 invasion;
* share: a partner's value / the reporter's total with all partners that year (the source's
  World row when it has one, else the sum of its country partners);
* growth vs baseline: value / baseline − 1;
* roundabout index: a neighbour's imports from the EU as 100 × value / baseline, against the
  same index of the EU's exports to all extra-EU partners ("relative": 100 × neighbour index /
  world index; above 100 the neighbour grew faster than EU exports in general);
* mirror gap: exporter's recorded exports (FOB) − partner's recorded imports from it brought to
  FOB (÷ CIF/FOB factor), both in USD at the yearly average rate.

Only complete years enter a baseline or an index: a year summed from fewer than 12 months is
returned with its ``months`` and no index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import mean

from dibwatch.countries.codes import eu27_members, is_country
from dibwatch.countries.rates import Conversion
from dibwatch.countries.store import AnnualValue, annual_values, hs_rows
from dibwatch.engine import Engine
from dibwatch.goods.chpl import CHPL_TIERS, chpl_tier

BASELINE: tuple[int, ...] = (2019, 2020, 2021)
AFTER: tuple[int, ...] = (2022, 2023, 2024)
NEIGHBOURS: tuple[str, ...] = ("AM", "KZ", "KG", "GE", "UZ")
MIRROR_PARTNERS: tuple[str, ...] = ("AM", "KZ", "KG", "UZ", "RU")
EU = "EU27_2020"
# How an importer may name the EU as partner: national tables write the EU27, the IMF its
# "European Union" group (EU27 from Feb 2020; EU28 before).
EU_AS_PARTNER: tuple[str, ...] = ("EU27_2020", "EU")
WORLD = "W00"
# Which statistics to take an importer's own record from, first found wins.
IMPORT_SOURCES: tuple[str, ...] = ("national_stats", "imf_imts", "un_comtrade")


@dataclass(frozen=True)
class PartnerShare:
    reporter: str
    flow: str
    partner: str
    year: int
    value: float
    currency: str
    total: float
    share: float
    baseline_value: float | None
    baseline_share: float | None
    growth_vs_baseline: float | None  # value / baseline - 1
    share_change_pp: float | None  # (share - baseline share) in percentage points


@dataclass(frozen=True)
class ShareShift:
    """A partner's mean share over two periods (China before and after 2022)."""

    reporter: str
    flow: str
    partner: str
    before_years: tuple[int, ...]
    after_years: tuple[int, ...]
    before_share: float | None
    after_share: float | None
    change_pp: float | None


@dataclass(frozen=True)
class RoundaboutRow:
    exporter: str
    neighbour: str
    year: int
    months: int
    exports: float
    currency: str
    baseline: float | None
    index: float | None  # 100 = baseline
    world_exports: float | None  # exporter's exports to all partners outside it
    world_index: float | None
    relative_index: float | None  # 100 * index / world_index


@dataclass(frozen=True)
class MirrorRow:
    exporter: str
    partner: str
    year: int
    exports: float  # as recorded by the exporter, its currency, FOB
    exports_currency: str
    imports: float  # as recorded by the partner, its currency, its valuation (CIF)
    imports_currency: str
    imports_source: str
    exports_usd: float
    imports_usd: float
    imports_fob_usd: float
    gap_usd: float  # exports_usd - imports_fob_usd
    gap_share: float  # gap_usd / exports_usd


@dataclass(frozen=True)
class ChplTierRow:
    source: str
    reporter: str
    partner: str
    flow: str
    year: int
    tier: str
    value: float
    currency: str
    codes: int  # distinct HS-6 codes behind the value
    baseline: float | None
    growth_vs_baseline: float | None


def _baseline(values: dict[int, float], years: Sequence[int]) -> float | None:
    """Mean over ``years``; None unless every year is there."""
    if not years or any(y not in values for y in years):
        return None
    return mean(values[y] for y in years)


def _ratio(num: float | None, den: float | None) -> float | None:
    return None if num is None or not den else num / den


def _totals(rows: Iterable[AnnualValue]) -> dict[int, float]:
    """Year -> total with all partners: the World row if the source has it, else the sum of
    country partners (aggregates and residuals are never added)."""
    world: dict[int, float] = {}
    summed: dict[int, float] = defaultdict(float)
    for r in rows:
        if r.partner == WORLD:
            world[r.year] = r.value
        elif is_country(r.partner):
            summed[r.year] += r.value
    return {year: world.get(year, total) for year, total in summed.items()} | world


def partner_shares(engine: Engine, *, reporter: str = "RU", flow: str = "import",
                   source: str = "imf_imts",
                   baseline: Sequence[int] = BASELINE) -> list[PartnerShare]:
    """Every country partner of ``reporter`` per year with its share and its change against
    the baseline, largest first within a year. Only complete years are used."""
    rows = [r for r in annual_values(engine, source=source, reporter=reporter, flow=flow)
            if r.months == 12]
    totals = _totals(rows)
    by_partner: dict[str, dict[int, AnnualValue]] = defaultdict(dict)
    for r in rows:
        if is_country(r.partner):
            by_partner[r.partner][r.year] = r
    base_total = _baseline(totals, baseline)
    out: list[PartnerShare] = []
    for partner, years in by_partner.items():
        base = _baseline({y: r.value for y, r in years.items()}, baseline)
        base_share = _ratio(base, base_total)
        for year, r in years.items():
            share = r.value / totals[year] if totals.get(year) else 0.0
            out.append(PartnerShare(
                reporter, flow, partner, year, r.value, r.currency, totals.get(year, 0.0),
                share, base, base_share,
                None if not base else r.value / base - 1,
                None if base_share is None else (share - base_share) * 100))
    out.sort(key=lambda p: (p.year, -p.value, p.partner))
    return out


def top_partners(engine: Engine, *, reporter: str = "RU", flow: str = "import", n: int = 10,
                 source: str = "imf_imts",
                 baseline: Sequence[int] = BASELINE) -> dict[int, list[PartnerShare]]:
    """Year -> the ``n`` largest partners of that year."""
    by_year: dict[int, list[PartnerShare]] = defaultdict(list)
    for p in partner_shares(engine, reporter=reporter, flow=flow, source=source,
                            baseline=baseline):
        if len(by_year[p.year]) < n:
            by_year[p.year].append(p)
    return dict(sorted(by_year.items()))


def share_shift(engine: Engine, *, partner: str = "CN", reporter: str = "RU",
                flow: str = "import", source: str = "imf_imts",
                before: Sequence[int] = BASELINE, after: Sequence[int] = AFTER) -> ShareShift:
    """Mean share of ``partner`` over ``before`` and ``after`` years present in the data."""
    shares = {p.year: p.share for p in partner_shares(
        engine, reporter=reporter, flow=flow, source=source) if p.partner == partner}
    b = [shares[y] for y in before if y in shares]
    a = [shares[y] for y in after if y in shares]
    before_share = mean(b) if b else None
    after_share = mean(a) if a else None
    change = None if before_share is None or after_share is None else \
        (after_share - before_share) * 100
    return ShareShift(reporter, flow, partner, tuple(before), tuple(y for y in after
                                                                    if y in shares),
                      before_share, after_share, change)


def extra_exports(engine: Engine, *, exporter: str = EU,
                  source: str = "eurostat_comext") -> dict[int, float]:
    """Year -> ``exporter``'s exports to every country outside it (complete years): the
    comparator of the roundabout index. The sum of country partners is used for every year,
    also where an Extra-EU27 row exists, so that all years are measured alike."""
    inside = eu27_members() if exporter == EU else frozenset({exporter})
    totals: dict[int, float] = defaultdict(float)
    for r in annual_values(engine, source=source, reporter=exporter, flow="export"):
        if r.months == 12 and is_country(r.partner) and r.partner not in inside:
            totals[r.year] += r.value
    return dict(totals)


def roundabout(engine: Engine, *, neighbours: Sequence[str] = NEIGHBOURS, exporter: str = EU,
               source: str = "eurostat_comext",
               baseline: Sequence[int] = BASELINE) -> list[RoundaboutRow]:
    """The exporter's exports to each neighbour per year, indexed on the baseline, against
    the same index of its exports to all partners outside it."""
    world = extra_exports(engine, exporter=exporter, source=source)
    world_base = _baseline(world, baseline)
    out: list[RoundaboutRow] = []
    for neighbour in neighbours:
        rows = annual_values(engine, source=source, reporter=exporter, partner=neighbour,
                             flow="export")
        complete = {r.year: r.value for r in rows if r.months == 12}
        base = _baseline(complete, baseline)
        for r in rows:
            full = r.months == 12
            index = 100 * r.value / base if full and base else None
            world_value = world.get(r.year) if full else None
            world_index = 100 * world_value / world_base if world_value and world_base else None
            out.append(RoundaboutRow(
                exporter, neighbour, r.year, r.months, r.value, r.currency, base, index,
                world_value, world_index,
                100 * index / world_index if index is not None and world_index else None))
    return out


def _partner_imports(engine: Engine, importer: str,
                     partners: Sequence[str]) -> dict[int, AnnualValue]:
    """Year -> the importer's own record of its imports from the first of ``partners`` it
    has, from the first of IMPORT_SOURCES that has it (complete years)."""
    for source in IMPORT_SOURCES:
        for partner in partners:
            rows = {r.year: r for r in annual_values(
                engine, source=source, reporter=importer, partner=partner, flow="import")
                if r.months == 12}
            if rows:
                return rows
    return {}


def mirror_gaps(engine: Engine, *, partners: Sequence[str] = MIRROR_PARTNERS,
                exporter: str = EU, exporter_source: str = "eurostat_comext",
                exporter_aliases: Sequence[str] = EU_AS_PARTNER,
                conversion: Conversion | None = None) -> list[MirrorRow]:
    """For each partner and year both sides recorded: the exporter's exports to it against
    the partner's imports from the exporter, in USD, CIF brought to FOB."""
    conv = conversion or Conversion()
    out: list[MirrorRow] = []
    for partner in partners:
        exports = {r.year: r for r in annual_values(
            engine, source=exporter_source, reporter=exporter, partner=partner,
            flow="export") if r.months == 12}
        imports = _partner_imports(engine, partner, exporter_aliases)
        for year in sorted(exports.keys() & imports.keys()):
            x, m = exports[year], imports[year]
            x_usd = conv.to_fob(conv.to_usd(x.value, x.currency, year), x.valuation or "FOB")
            m_usd = conv.to_usd(m.value, m.currency, year)
            m_fob = conv.to_fob(m_usd, m.valuation or "CIF")
            gap = x_usd - m_fob
            out.append(MirrorRow(exporter, partner, year, x.value, x.currency, m.value,
                                 m.currency, m.source, x_usd, m_usd, m_fob, gap,
                                 gap / x_usd if x_usd else 0.0))
    return out


def chpl_tier_flows(engine: Engine, *, source: str | None = None, reporter: str | None = None,
                    flow: str | None = None,
                    baseline: Sequence[int] = BASELINE) -> list[ChplTierRow]:
    """HS-level flows (HS-6 codes) summed by CHPL tier per reporter, partner, flow and year,
    with growth against the baseline. Codes off the CHPL are left out; HS-2/HS-4 rows are
    never used (they contain the HS-6 rows)."""
    sums: dict[tuple[str, str, str, str, str, str], dict[int, list[float]]] = \
        defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    codes: dict[tuple[str, str, str, str, str, str, int], set[str]] = defaultdict(set)
    for src, rep, par, flw, year, hs_code, value, currency in hs_rows(
            engine, source=source, reporter=reporter, flow=flow):
        tier = chpl_tier(hs_code)
        if tier is None:
            continue
        key = (src, rep, par, flw, tier, currency)
        sums[key][year][0] += value
        codes[(*key, year)].add(hs_code[:6])
    out: list[ChplTierRow] = []
    for key, years in sums.items():
        src, rep, par, flw, tier, currency = key
        values = {y: v[0] for y, v in years.items()}
        base = _baseline(values, baseline)
        for year, value in sorted(values.items()):
            out.append(ChplTierRow(src, rep, par, flw, year, tier, value, currency,
                                   len(codes[(*key, year)]), base,
                                   None if not base else value / base - 1))
    out.sort(key=lambda r: (r.source, r.reporter, r.partner, r.flow, r.year,
                            CHPL_TIERS.index(r.tier)))
    return out
