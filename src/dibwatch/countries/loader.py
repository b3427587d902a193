"""Loading a statistics file into a new, atomic country snapshot.

The discipline of the lists and trade loaders: the sha256 of the bytes makes a reload a
no-op; every row is written in ONE transaction and the ``country_snapshots`` row is written
last, so after any error (a malformed row half-way, a ``kill -9``) the workspace has exactly
the snapshots it had. A malformed row (unparseable value, period, flow) aborts the load with
its file, line and field; a row that can be skipped without corrupting totals (unknown
country name, a part of a total, a duplicate) is skipped and reported.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dibwatch.countries import store
from dibwatch.countries.model import SKIPPED, FlowRow
from dibwatch.countries.readers import StatsFormat, detect_format, get_format
from dibwatch.errors import Location, ParseError
from dibwatch.ingest.digests import file_digests
from dibwatch.ingest.report import LoadReport
from dibwatch.workspace import Workspace

BATCH_ROWS = 20_000
REPORT_ISSUES = 50  # issues kept in the snapshot's JSON report
Progress = Callable[[int], None]  # called with the number of flow rows read so far

_Key = tuple[str, str, str, str, str]


@dataclass
class CountryLoadResult:
    snapshot: store.CountrySnapshot
    created: bool  # False when these bytes were already loaded
    report: LoadReport


def load_stats(ws: Workspace, path: str | Path, *, fmt: str | None = None,
               progress: Progress | None = None,
               batch_rows: int = BATCH_ROWS) -> CountryLoadResult:
    """Read ``path`` in format ``fmt`` (detected from the header when None) into the
    ``country_flows`` table as one new snapshot; a file already loaded is a no-op."""
    path = Path(path)
    files, sha = file_digests([path])
    report = LoadReport(str(path))
    existing = store.find_snapshot(ws.engine, sha)
    if existing is not None:
        return CountryLoadResult(existing, False, report)
    chosen: StatsFormat = get_format(fmt) if fmt else detect_format(path)
    started = time.perf_counter()
    seen: dict[_Key, tuple[int, float]] = {}
    written = skipped = 0
    with ws.engine.transaction():
        snapshot_id = store.next_snapshot_id(ws.engine)
        batch: list[FlowRow] = []
        for row in chosen.read(path, report):
            key = (row.reporter, row.partner, row.flow, row.period, row.hs_code)
            if key in seen:
                # Two rows for one observation: adding them would double it, choosing
                # silently would hide it. The first is kept and the second reported.
                first_line, first_value = seen[key]
                same = "same value" if first_value == row.value else \
                    f"DIFFERENT value (kept {first_value:,.0f})"
                report.warn(f"duplicate of line {first_line} ({'/'.join(key)}, {same}); "
                            "skipped", line=row.line_no, value=str(row.value))
                skipped += 1
                continue
            seen[key] = (row.line_no, row.value)
            batch.append(row)
            if len(batch) >= batch_rows:
                store.insert_flows(ws.engine, snapshot_id, chosen.source, batch)
                written += len(batch)
                batch = []
                if progress is not None:
                    progress(written)
        store.insert_flows(ws.engine, snapshot_id, chosen.source, batch)
        written += len(batch)
        if progress is not None:
            progress(written)
        if written == 0:
            raise ParseError("no flows in the file (every row empty or skipped)",
                             Location(str(path)))
        snapshot = store.CountrySnapshot(
            snapshot_id=snapshot_id, source=chosen.source, format=chosen.name,
            parser_version=chosen.parser_version, file=str(path), sha256=sha,
            bytes=int(files[0]["bytes"]),
            loaded_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            row_count=written, skipped_count=skipped + report.counts[SKIPPED],
            warning_count=report.warning_count,
            leftover_count=report.counts["leftovers"], report=_report_json(report),
            seconds=round(time.perf_counter() - started, 3))
        # Written last: until COMMIT no reader sees any row of this snapshot.
        store.insert_snapshot(ws.engine, snapshot)
    return CountryLoadResult(snapshot, True, report)


def _report_json(report: LoadReport) -> str:
    return json.dumps({
        "counts": dict(report.counts),
        "leftover_fields": dict(report.leftover_fields),
        "issues": [{"severity": i.severity, "location": str(i.location), "message": i.message,
                    "value": i.value} for i in report.issues[:REPORT_ISSUES]],
    }, ensure_ascii=False)
