"""Coverage as files: one row per party (CSV, JSON) or the Markdown document kept in docs/."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dibwatch.engine import Engine
from dibwatch.errors import ConfigError
from dibwatch.model.country import country_name
from dibwatch.xref import store
from dibwatch.xref.classify import FAMILY_LABELS, SECTOR_LABELS
from dibwatch.xref.coverage import (
    RUSSIA,
    Gap,
    Party,
    authority_vintages,
    bodies_in,
    coverage_summary,
    entries_by_list,
    gaps,
    parties,
    timeline,
)

FORMATS = (".csv", ".json", ".md")


def _cell(party: Party, body: str) -> str:
    r = party.listings.get(body)
    if r is None:
        return ""
    date = r.first_listed or "undated"
    if not r.listed_now:
        return f"delisted {r.delisted_on or ''}".strip() + f" (listed {date})"
    return date + (" R" if RUSSIA in r.families else "")


def party_rows(parties_: Sequence[Party], found_gaps: Sequence[Gap],
               bodies: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per party: its first listing date by each body ("R": for Russia), sectors,
    families and the authorities it is a gap for."""
    bodies = bodies or bodies_in(parties_)
    missing: dict[str, set[str]] = {}
    for g in found_gaps:
        missing.setdefault(g.party.cluster_id, set()).add(f"{g.absent_from} ({g.status})")
    out = []
    for p in parties_:
        row: dict[str, Any] = {
            "cluster_id": p.cluster_id, "caption": p.caption, "schema": p.schema,
            "countries": " ".join(c.upper() for c in p.countries),
            "families": "; ".join(sorted({FAMILY_LABELS.get(f, f) for r in p.current().values()
                                          for f in r.families})),
        }
        for body in bodies:
            row[body] = _cell(p, body)
        row["absent_from"] = "; ".join(sorted(missing.get(p.cluster_id, ())))
        row["sectors"] = "; ".join(SECTOR_LABELS.get(s, s) for s in p.sectors)
        out.append(row)
    return out


def write_coverage(engine: Engine, path: Path, *, countries: Sequence[str] | None,
                   schemas: Sequence[str] | None, family: str | None,
                   command: str = "") -> int:
    """Write the coverage of the parties selected to ``path`` (.csv, .json or .md); returns
    the number of parties."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(f"--output must end in {', '.join(FORMATS)}, not {path.name!r}")
    selected = parties(engine, countries=countries, schemas=schemas, family=family)
    found = gaps(engine, selected)
    rows = party_rows(selected, found)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, list(rows[0]) if rows else ["cluster_id"])
            writer.writeheader()
            writer.writerows(rows)
    elif suffix == ".json":
        path.write_text(json.dumps({
            "countries": list(countries or []), "family": family,
            "summary": {k: {b: vars(c) for b, c in row.items()} for k, row in
                        coverage_summary(selected, countries or []).items()},
            "parties": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        path.write_text(coverage_markdown(engine, selected, found, countries or [], command),
                        encoding="utf-8")
    return len(selected)


def _md_row(cells: Sequence[Any]) -> str:
    return "| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |"


def coverage_markdown(engine: Engine, selected: Sequence[Party], found: Sequence[Gap],
                      countries: Sequence[str], command: str) -> str:
    """The coverage document: summary by country and body, gaps, timeline and the party
    table, with the command that produced it and how recent each authority's data is."""
    run = store.latest_run(engine)
    vintages = authority_vintages(engine)
    bodies = bodies_in(selected)
    label = ", ".join(f"{c.upper()} ({country_name(c.upper())})" for c in countries) or "all"
    lines = [f"## Coverage: {label}", ""]
    if command:
        lines += ["Produced by:", "", "```sh", command, "```", ""]
    if run is not None:
        lines += [f"Cross-referencing run {run.run_id} ({run.algorithm}) over snapshots "
                  f"{', '.join(map(str, run.snapshot_ids))}; {run.entity_count:,} list "
                  f"entries in {run.cluster_count:,} parties.", ""]
    lines += ["Data as of (newest complete snapshot of each authority's largest source): "
              + "; ".join(f"{a} {d or 'unknown'}" for a, d in sorted(vintages.items()))
              + ".", ""]
    lines += ["### Parties listed now, by body", "",
              "Cell: parties listed (of which for Russia-related reasons; of these, CHPL-"
              "relevant: the list text names CHPL goods or sectors).", ""]
    lines.append(_md_row(["country", *bodies]))
    lines.append(_md_row(["---"] * (len(bodies) + 1)))
    for key, row in coverage_summary(selected, countries).items():
        lines.append(_md_row([key.upper(), *(
            f"{row[b].parties} ({row[b].russia}; {row[b].chpl})" for b in bodies)]))
    if countries:
        entries = entries_by_list(engine, countries)
        lines += ["", "### List entries by country", "",
                  "Entries (rows of the list, before cross-referencing) in the newest complete "
                  "snapshot of each source, firms only, designations in force.", ""]
        lines.append(_md_row(["list", "source", "snapshot", "as of",
                              *(c.upper() for c in countries)]))
        lines.append(_md_row(["---"] * (4 + len(countries))))
        for e in entries:
            lines.append(_md_row([e.list, e.source, e.snapshot_id, e.as_of or "unknown",
                                  *(e.counts[c.lower()] for c in countries)]))
    lines += ["", "### Gaps", "",
              "Listed for Russia by one authority, by no list of another that has a Russia "
              "program among the loaded lists. \"after its data\": listed after the absent "
              "authority's newest list, so the absence says nothing yet.", ""]
    counts = Counter((g.listed_by, g.absent_from, g.status) for g in found)
    lines.append(_md_row(["listed by", "absent from", "status", "parties"]))
    lines.append(_md_row(["---"] * 4))
    for (by, absent, status), n in sorted(counts.items()):
        lines.append(_md_row([by, absent, status, n]))
    months, series = timeline(selected)
    if months:
        lines += ["", "### First listings per month since 2022-02-24", ""]
        lines.append(_md_row(["month", *series]))
        lines.append(_md_row(["---"] * (len(series) + 1)))
        for i, month in enumerate(months):
            if any(v[i] for v in series.values()):
                lines.append(_md_row([month, *(v[i] or "" for v in series.values())]))
    russia = [p for p in selected if p.authorities(RUSSIA)]
    lines += ["", "### Parties listed for Russia", "",
              "First listing date by each body (\"R\": for Russia-related reasons); absent "
              "from: authorities not listing the party at all.", ""]
    rows = party_rows(russia, found, bodies)
    cols = ["caption", "countries", *bodies, "absent_from", "sectors"]
    lines.append(_md_row(["party", "countries", *bodies, "absent from", "sectors"]))
    lines.append(_md_row(["---"] * len(cols)))
    for row in rows:
        lines.append(_md_row([row[c] for c in cols]))
    return "\n".join(lines) + "\n"
