"""The report's country page: the country-level trade monitor (``dibwatch.countries``) drawn
as charts with the tables behind them, when official statistics are loaded."""

from __future__ import annotations

from typing import Any

from dibwatch.countries import (
    ChartData,
    mirror_gaps,
    mirror_series,
    partner_share_series,
    roundabout,
    roundabout_series,
    share_shift,
    top_partners,
)
from dibwatch.engine import Engine
from dibwatch.report import charts

FLOW_COUNT = "SELECT count(*) FROM country_flows"


def available(engine: Engine) -> bool:
    """True when country statistics are loaded (``dibwatch countries load``)."""
    return bool(engine.scalar(FLOW_COUNT))


def _line(data: ChartData, *, reference: float | None = None,
          reference_label: str = "baseline") -> str | None:
    """A yearly line chart of ``data`` (a point per year, placed at mid-year), or None when it
    has no values."""
    series = {s.label: [(f"{year}-07", value) for year, value in zip(s.years, s.values,
                                                                     strict=True)
                        if value is not None] for s in data.series}
    series = {label: points for label, points in series.items() if points}
    if not series:
        return None
    return charts.line_chart(series, title=f"{data.title} ({data.unit})", y_label=data.unit,
                             reference=reference, reference_label=reference_label)


def build_countries_page(engine: Engine) -> dict[str, Any]:
    """Charts and tables of the country page: Russia's partner shares, EU exports to
    Russia's neighbours as an index on 2019–2021, and mirror gaps."""
    shares = partner_share_series(engine)
    rounds = roundabout_series(engine)
    mirror = mirror_series(engine)
    partners = top_partners(engine, n=5)
    shift = share_shift(engine) if partners else None
    return {
        "share_chart": _line(shares), "share_note": shares.note,
        "roundabout_chart": _line(rounds, reference=100.0,
                                  reference_label="baseline 2019–2021"),
        "roundabout_note": rounds.note,
        "mirror_chart": _line(mirror), "mirror_note": mirror.note,
        "top_partners": partners, "shift": shift,
        "roundabout_rows": [r for r in roundabout(engine) if r.index is not None],
        "mirror_rows": mirror_gaps(engine),
    }
