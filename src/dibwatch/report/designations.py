"""The designations page, as the report and the dashboard draw it: who lists whom, since when,
where the authorities differ; charts (static SVG from :mod:`dibwatch.report.charts`) with the
tables behind them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from dibwatch.engine import Engine
from dibwatch.model.country import country_name
from dibwatch.report import charts
from dibwatch.xref import store
from dibwatch.xref.classify import FAMILY_LABELS, SECTOR_LABELS
from dibwatch.xref.coverage import (
    INVASION_MONTH,
    RUSSIA,
    SCHEMA_GROUPS,
    Party,
    authority_vintages,
    bodies_in,
    coverage_summary,
    family_matrix,
    gaps,
    parties,
    timeline,
)
from dibwatch.xref.universe import snapshot_views

FOCUS = ("cn", "hk")
TOP_COUNTRIES = 15


def available(engine: Engine) -> bool:
    """True when a cross-referencing run is stored (``dibwatch lists xref``)."""
    return store.latest_run(engine) is not None


def _timeline_chart(parties_: Sequence[Party], title: str) -> tuple[str | None, dict[str, Any]]:
    months, series = timeline(parties_)
    table = {"months": months, "series": series}
    if not months:
        return None, table
    return charts.stacked_bar_chart(months, series, title=title,
                                    value_label="parties first listed",
                                    event=INVASION_MONTH, event_label="2022-02-24"), table


def country_matrix(parties_: Sequence[Party], top: int = TOP_COUNTRIES
                   ) -> tuple[list[str], list[str], list[list[int]]]:
    """(countries, bodies, counts) of parties listed now, for the ``top`` countries."""
    bodies = bodies_in(parties_)
    totals: Counter[str] = Counter(c for p in parties_ if p.current() for c in p.countries)
    countries = [c for c, _ in totals.most_common(top)]
    return countries, bodies, [[sum(1 for p in parties_ if c in p.countries
                                    and b in p.current()) for b in bodies]
                               for c in countries]


def stats(engine: Engine) -> dict[str, Any]:
    row = store.query(engine, """
        SELECT count(*) AS clusters,
               count(*) FILTER (WHERE member_count > 1) AS joined,
               count(*) FILTER (WHERE len(sources) > 1) AS multi_source,
               count(*) FILTER (WHERE len(authorities) > 1) AS multi_authority,
               count(*) FILTER (WHERE conflicts IS NOT NULL) AS conflicts
        FROM xref_clusters""")[0]
    links = {f"{r['kind']}:{r['status']}": int(r["n"]) for r in store.query(
        engine, "SELECT kind, status, count(*) AS n FROM xref_links GROUP BY ALL")}
    return {**row, "links": links}


def sources_table(engine: Engine) -> list[dict[str, Any]]:
    views = snapshot_views(engine)
    out: dict[str, dict[str, Any]] = {}
    for v in sorted(views.values(), key=lambda v: (v.source, v.order)):
        row = out.setdefault(v.source, {"source": v.source, "snapshots": 0, "partial": 0,
                                        "as_of": None, "basis": None})
        row["snapshots"] += 1
        row["partial"] += int(v.partial)
        if not v.partial:
            row["as_of"], row["basis"] = v.as_of, v.as_of_basis
    return list(out.values())


def build_designations_page(engine: Engine, *, countries: Sequence[str] = FOCUS,
                            schemas: Sequence[str] = SCHEMA_GROUPS["firms"]) -> dict[str, Any]:
    """Everything the page shows, for parties of ``schemas`` (firms by default) with the
    focus on ``countries`` (CN and HK by default)."""
    run = store.latest_run(engine)
    focus = [c.lower() for c in countries]
    everyone = parties(engine, schemas=schemas, listed_now=False)
    mine = [p for p in everyone if not set(focus).isdisjoint(p.countries)]
    listed_mine = [p for p in mine if p.current()]
    label = ", ".join(c.upper() for c in focus)
    all_chart, all_table = _timeline_chart(
        everyone, "Firms first listed per month, by authority (all countries)")
    focus_chart, focus_table = _timeline_chart(
        mine, f"Firms in {label} first listed per month, by authority")
    c_rows, c_bodies, c_values = country_matrix([p for p in everyone if p.current()])
    f_rows, f_bodies, f_values = family_matrix(listed_mine)
    country_chart = charts.matrix_chart(
        [f"{c.upper()} {country_name(c.upper())}" for c in c_rows], c_bodies, c_values,
        title="Firms listed now, by country and listing body") if c_rows else None
    family_chart = charts.matrix_chart(
        [FAMILY_LABELS[f] for f in f_rows], f_bodies, f_values,
        title=f"Firms in {label} listed now, by program family and body") if f_rows else None
    found_gaps = gaps(engine, listed_mine)
    chpl = [p for p in listed_mine if p.chpl_relevant and p.authorities(RUSSIA)]
    return {
        "run": run, "stats": stats(engine), "sources": sources_table(engine),
        "vintages": authority_vintages(engine), "focus": focus, "focus_label": label,
        "timeline_all_chart": all_chart, "timeline_all": all_table,
        "timeline_focus_chart": focus_chart, "timeline_focus": focus_table,
        "country_chart": country_chart,
        "country_matrix": {"rows": c_rows, "bodies": c_bodies, "values": c_values},
        "family_chart": family_chart,
        "family_matrix": {"rows": [FAMILY_LABELS[f] for f in f_rows], "bodies": f_bodies,
                          "values": f_values},
        "summary": coverage_summary(listed_mine, focus),
        "summary_bodies": bodies_in(listed_mine),
        "gaps": found_gaps, "gap_counts": Counter((g.listed_by, g.absent_from, g.status)
                                                  for g in found_gaps),
        "chpl": chpl, "sector_labels": SECTOR_LABELS, "family_labels": FAMILY_LABELS,
    }
