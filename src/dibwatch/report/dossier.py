"""One firm's case file: score breakdown, flags with the rows behind them, counterparties,
network picture, list matches, timeline, and the names and ids the firm used."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dibwatch.csvout import write_csv
from dibwatch.engine import Engine
from dibwatch.report import charts, facts, queries
from dibwatch.report.network import NetworkPictures
from dibwatch.resolve.read import counterparties, evidence_text, joined_by, kept_apart
from dibwatch.risk import labels

COUNTERPARTY_LIMIT = 50
ADDRESS_FIRM_LIMIT = 50
DEFAULT_DESTINATION = "RU"
DEFAULT_LISTED_SCORE = 0.9
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def evidence_anchor(flag_no: int, load_id: int | None = None, line_no: int | None = None,
                    entity_id: str | None = None) -> str:
    """The stable id of one evidence row: ``ev-<flag>-<load>-<line>`` for a shipment line,
    ``ev-<flag>-e-<entity id, unsafe characters as _>`` for a list entity."""
    if entity_id is not None:
        return f"ev-{flag_no}-e-{_UNSAFE.sub('_', entity_id)}"
    return f"ev-{flag_no}-{load_id}-{line_no}"


@dataclass(frozen=True)
class DossierContext:
    firm_id: int
    caption: str
    page: dict[str, Any]


def build_dossier(engine: Engine, run_id: int, firm_id: int, *, pictures: NetworkPictures,
                  dossier_ids: Mapping[int, int], evidence_cap: int,
                  months: Sequence[date] = (), invasion: date | None = None,
                  config: Mapping[str, Any] | None = None) -> DossierContext:
    """The template context of one dossier. ``dossier_ids`` maps the firms that have a dossier
    to their rank (counterparties link to them); the timeline covers ``months`` (months
    without trade drawn as zero) and marks ``invasion``; ``config`` is the run's risk
    configuration, whose values fill in the rule descriptions."""
    config = config or {}
    settings = {k: v for k, v in config.items() if k != "indicators"}
    params = config.get("indicators", {})
    firm = queries.rows(engine, queries.FIRM, {"run_id": run_id, "firm_id": firm_id})[0]
    contributions = {str(k): float(v) for k, v in
                     (queries.as_json(firm["contributions"]) or {}).items()}
    flags = queries.rows(engine, queries.FLAGS, {"run_id": run_id, "firm_id": firm_id})
    lines = queries.rows(engine, queries.EVIDENCE_LINES,
                         {"run_id": run_id, "firm_id": firm_id, "cap": evidence_cap})
    entities = queries.rows(engine, queries.EVIDENCE_ENTITIES,
                            {"run_id": run_id, "firm_id": firm_id})
    destination = str(params.get("chpl_exposure", {}).get("destination", DEFAULT_DESTINATION))
    listed: list[dict[str, Any]] = []
    if any(f["indicator"] == "listed_counterparty" for f in flags):
        min_score = float(params.get("listed_counterparty", {})
                          .get("min_score", DEFAULT_LISTED_SCORE))
        listed = queries.rows(engine, queries.LISTED_COUNTERPARTIES,
                              {"run_id": run_id, "firm_id": firm_id, "min_score": min_score})
    by_flag: dict[int, list[dict[str, Any]]] = {}
    for r in lines:
        r["anchor"] = evidence_anchor(r["flag_no"], r["load_id"], r["line_no"])
        r["source"] = source_text(r.get("file"), r["line_no"])
        by_flag.setdefault(r["flag_no"], []).append(r)
    entity_rows: dict[int, list[dict[str, Any]]] = {}
    for r in entities:
        r["anchor"] = evidence_anchor(r["flag_no"], entity_id=r["entity_id"])
        entity_rows.setdefault(r["flag_no"], []).append(r)
    for f in flags:
        f["title"] = labels.flag_title(f["indicator"])
        f["description"] = labels.describe(f["indicator"], params.get(f["indicator"]),
                                           settings)
        f["detail"] = queries.as_json(f["detail"]) or {}
        f["detail_items"] = labels.detail_items(f["detail"])
        f["value_text"] = labels.value_text(f["indicator"], f["value"])
        f["value_unit"] = labels.value_unit(f["indicator"])
        f["lines"] = by_flag.get(f["flag_no"], [])
        f["entities"] = entity_rows.get(f["flag_no"], [])
        f["listed"] = []
        f["firms_at_address"] = []
        if f["indicator"] == "listed_counterparty":
            f["listed"] = listed
        if f["indicator"] == "shared_address":
            # Read as the firms at the address; the lines stay in the evidence CSV.
            f["firms_at_address"] = queries.rows(engine, queries.ADDRESS_FIRMS, {
                "run_id": run_id, "addresses": list(f["detail"].get("addresses") or []),
                "limit": ADDRESS_FIRM_LIMIT})
            f["lines"] = []
        f["shown"] = len(f["lines"]) + len(f["entities"])
        # A firm table replaces the lines on purpose: nothing is "left out" of the page.
        f["more"] = 0 if f["firms_at_address"] else int(f["evidence_count"]) - f["shown"]
        f["contribution"] = contributions.get(f["indicator"], 0.0)
    order = sorted(contributions, key=lambda k: -contributions[k])
    # The printed case file lists each evidence line once, with every flag it supports: the
    # same lines often back several flags, and WeasyPrint pays for every table row.
    distinct: dict[tuple[int, int], dict[str, Any]] = {}
    for f in flags:
        for r in f["lines"]:
            row = distinct.setdefault((r["load_id"], r["line_no"]), {**r, "flags": []})
            row["flags"].append(f["title"])
    evidence_lines = sorted(distinct.values(),
                            key=lambda r: (r["day"], r["load_id"], r["line_no"]))
    screening = queries.rows(engine, queries.SCREENING, {"firm_id": firm_id})
    for s in screening:
        s["explanation"] = queries.as_json(s["explanation"]) or {}
    timeline = queries.rows(engine, queries.TIMELINE, {"firm_id": firm_id})
    by_role: dict[str, dict[date, float]] = {}
    for r in timeline:
        by_role.setdefault(r["role"], {})[r["month"]] = float(r["value_usd"])
    series: dict[str, list[tuple[date | datetime | str, float]]] = {
        role: [(m, values.get(m, 0.0)) for m in (months or sorted(values))]
        for role, values in by_role.items()}
    picture = pictures.picture(firm_id)
    partners = counterparties(engine, firm_id, COUNTERPARTY_LIMIT)
    trade = queries.rows(engine, queries.FIRM_TRADE, {
        "firm_id": firm_id, "destination": destination,
        "invasion": invasion or date.fromisoformat(str(config.get("invasion", "2022-02-24")))})
    summary = facts.summary(
        firm, trade[0] if trade else None,
        queries.rows(engine, queries.FIRM_TIERS, {"firm_id": firm_id}), partners,
        queries.rows(engine, queries.FIRM_TRANSIT, {"firm_id": firm_id}), contributions,
        listed, ranked_total=int(engine.scalar(queries.RANKED_TOTAL, {"run_id": run_id}) or 0),
        destination=destination, invasion=invasion)
    page = {
        "firm": firm,
        "summary": summary,
        "contributions": [(labels.flag_title(k), contributions[k]) for k in order],
        "score_chart": charts.bar_chart(
            [labels.flag_title(k) for k in order], [contributions[k] for k in order],
            title="Score breakdown: each flag's contribution", value_label="share of score")
        if order else "",
        "flags": flags,
        "evidence_lines": evidence_lines,
        "counterparties": partners,
        "joined_by": [(link, evidence_text(link)) for link in joined_by(engine, firm_id)],
        "kept_apart": kept_apart(engine, firm_id),
        "counterparty_limit": COUNTERPARTY_LIMIT,
        "address_firm_limit": ADDRESS_FIRM_LIMIT,
        "dossier_ids": dossier_ids,
        "screening": screening,
        "timeline_chart": charts.line_chart(
            series, title="Monthly value by role (USD)", y_label="USD", event=invasion,
            event_label=f"invasion {invasion}") if series else "",
        "members": queries.rows(engine, queries.MEMBERS, {"firm_id": firm_id}),
        "network": picture,
        "network_firms": [pictures.graph.firm(f) for f in picture.firm_ids],
        "evidence_cap": evidence_cap,
    }
    return DossierContext(firm_id, str(firm["caption"]), page)


def source_text(file: str | None, line_no: int) -> str:
    """Where a shipment line came from: ``shipments.csv line 1042`` (the file's name only;
    the full path is in the evidence CSV)."""
    return f"{Path(file).name if file else 'load'} line {line_no:,}"


def write_evidence_csv(engine: Engine, run_id: int, firm_id: int, path: Path) -> int:
    """Every evidence shipment line of the firm's flags, uncapped; returns the row count."""
    data = queries.rows(engine, queries.EVIDENCE_ALL, {"run_id": run_id, "firm_id": firm_id})
    cols = list(data[0]) if data else ["indicator", "flag_no", "load_id", "line_no"]
    return write_csv(path, cols, ([r[c] for c in cols] for r in data))
