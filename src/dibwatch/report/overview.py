"""The overview page's content: CHPL flows against the pre-invasion baseline, the top traders,
hub countries and brands, and the ranked firm table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dibwatch.engine import Engine
from dibwatch.report import charts, queries
from dibwatch.report.queries import Row

# Days per average month: monthly averages are value / (days / this), so the month the
# invasion splits counts on both sides by its days.
MONTH_DAYS = 30.4375
TOP = 15
COUNTRY_BARS = 12


@dataclass(frozen=True)
class Period:
    """The covered days before and since the invasion day."""

    start: date
    end: date
    invasion: date

    @property
    def months_before(self) -> float:
        return max(0, (min(self.invasion, self.end + timedelta(days=1)) - self.start).days) \
            / MONTH_DAYS

    @property
    def months_since(self) -> float:
        return max(0, (self.end + timedelta(days=1) - max(self.invasion, self.start)).days) \
            / MONTH_DAYS

    def months(self) -> list[date]:
        """The first day of every covered month."""
        out: list[date] = []
        d = self.start
        while d <= self.end:
            out.append(d)
            d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return out

    def monthly(self, before: float | None, since: float | None) -> tuple[float, float]:
        """Monthly averages of a before / since pair of totals."""
        b = (before or 0.0) / self.months_before if self.months_before else 0.0
        s = (since or 0.0) / self.months_since if self.months_since else 0.0
        return b, s


def period(engine: Engine, invasion: date) -> Period | None:
    span = queries.month_span(engine)
    if span is None:
        return None
    first, last = span
    # Whole months: from the first day of the first month to the last day of the last.
    nxt = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return Period(first, nxt - timedelta(days=1), invasion)


def _compare(rows: Sequence[Row], p: Period, limit: int) -> list[dict[str, Any]]:
    out = []
    for r in rows[:limit]:
        before, since = p.monthly(r["before_usd"], r["since_usd"])
        out.append({"key": r["key"], "before_usd": r["before_usd"] or 0.0,
                    "since_usd": r["since_usd"] or 0.0, "before_monthly": before,
                    "since_monthly": since, "lines": r["lines"],
                    "change": (since / before) if before else None})
    return out


def _compare_chart(items: Sequence[dict[str, Any]], title: str) -> str:
    return charts.grouped_bar_chart(
        [str(i["key"]) for i in items],
        {"monthly avg. before invasion": [i["before_monthly"] for i in items],
         "monthly avg. since invasion": [i["since_monthly"] for i in items]},
        title=title, value_label="USD per month")


def build_overview(engine: Engine, *, destination: str, invasion: date,
                   hubs: Sequence[str]) -> dict[str, Any]:
    """Everything the overview template shows except the ranked table."""
    p = period(engine, invasion)
    if p is None:
        return {"period": None}
    monthly = queries.rows(engine, queries.CHPL_MONTHLY, {"destination": destination})
    months = p.months()
    tiers = sorted({str(r["tier"]) for r in monthly}, key=_tier_order)
    cell = {(r["month"], str(r["tier"])): float(r["value_usd"]) for r in monthly}
    stacks = {f"tier {t}": [cell.get((m, t), 0.0) for m in months] for t in tiers}
    dims = {dim: queries.rows(engine, sql, {"destination": destination,
                                       "invasion": invasion.isoformat()})
            for dim, sql in queries.BY_DIMENSION.items()}
    before_sum = sum((r["before_usd"] or 0.0) for r in dims["tier"])
    since_sum = sum((r["since_usd"] or 0.0) for r in dims["tier"])
    baseline, since_avg = p.monthly(before_sum, since_sum)
    tier_rows = _compare(sorted(dims["tier"], key=lambda r: _tier_order(str(r["key"]))),
                         p, 100)
    exporter_countries = _compare(dims["exporter_country"], p, COUNTRY_BARS)
    dispatch_countries = _compare(dims["dispatch_country"], p, COUNTRY_BARS)
    hub_set = set(hubs)
    hub_rows = _compare([r for r in dims["dispatch_country"] if r["key"] in hub_set], p, TOP)
    brands = _compare([r for r in dims["brand"] if r["key"] != "?"], p, TOP)
    exporters = queries.rows(engine, queries.TOP_FIRMS,
                             {"destination": destination, "role": "exporter", "limit": TOP})
    importers = queries.rows(engine, queries.TOP_FIRMS,
                             {"destination": destination, "role": "importer", "limit": TOP})
    return {
        "period": p,
        "destination": destination,
        "baseline_monthly": baseline,
        "since_monthly": since_avg,
        "monthly_chart": charts.stacked_bar_chart(
            months, stacks, title=f"CHPL goods to {destination} by month and tier (USD)",
            value_label="USD", reference=baseline,
            reference_label="monthly avg. before invasion",
            event=invasion.strftime("%Y-%m"), event_label=f"invasion {invasion}"),
        "tiers": tier_rows,
        "tier_chart": _compare_chart(tier_rows, "CHPL tier: monthly average before / since"),
        "exporter_countries": exporter_countries,
        "exporter_country_chart": _compare_chart(
            exporter_countries, "Exporter country: monthly average before / since"),
        "dispatch_countries": dispatch_countries,
        "dispatch_country_chart": _compare_chart(
            dispatch_countries, "Dispatch country: monthly average before / since"),
        "hubs": hub_rows,
        "hub_chart": charts.bar_chart([str(r["key"]) for r in hub_rows],
                                      [r["since_usd"] for r in hub_rows],
                                      title="Hub (dispatch) countries: CHPL value since invasion",
                                      value_label="USD"),
        "brands": brands,
        "brand_chart": charts.bar_chart([str(r["key"]) for r in brands],
                                        [r["since_usd"] for r in brands],
                                        title="Brands: CHPL value since invasion",
                                        value_label="USD"),
        "exporters": exporters,
        "exporter_chart": charts.bar_chart([r["caption"] for r in exporters],
                                           [r["value_usd"] for r in exporters],
                                           title="Top exporters: CHPL value", value_label="USD"),
        "importers": importers,
        "importer_chart": charts.bar_chart([r["caption"] for r in importers],
                                           [r["value_usd"] for r in importers],
                                           title="Top importers: CHPL value", value_label="USD"),
    }


def _tier_order(tier: str) -> tuple[int, str]:
    return (int(tier), tier) if tier.isdigit() else (10**6, tier)
