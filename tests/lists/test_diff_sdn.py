"""``lists diff`` between the full SDN lists of 2019-01 and 2021-07, checked against sets of
ent_nums read straight from the raw files with the csv module."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from dibwatch.cli import app
from dibwatch.lists import store
from dibwatch.lists.loader import load_list
from dibwatch.workspace import Workspace


def _ent_nums(sdn_csv: Path) -> set[str]:
    text = sdn_csv.read_bytes().decode("utf-8", errors="replace").rstrip("\x1a")
    return {row[0].strip() for row in csv.reader(io.StringIO(text)) if row and row[0].strip()}


def test_sdn_2019_to_2021(tmp_path: Path, shared: Callable[[str], Path]) -> None:
    old_dir = shared("sanctions/ofac_sdn_2019-01/sdn.csv").parent
    new_dir = shared("sanctions/ofac_sdn_2021-07/sdn.csv").parent
    old_ids, new_ids = _ent_nums(old_dir / "sdn.csv"), _ent_nums(new_dir / "sdn.csv")
    db = tmp_path / "ws.duckdb"
    with Workspace(db) as ws:
        a = load_list(ws, old_dir).snapshot
        b = load_list(ws, new_dir).snapshot
        assert a.source == b.source == "us_ofac_sdn"
        diff = store.diff_snapshots(ws.engine, a.snapshot_id, b.snapshot_id)
    added = {eid.removeprefix("us_ofac_sdn-") for eid, _ in diff.added}
    removed = {eid.removeprefix("us_ofac_sdn-") for eid, _ in diff.removed}
    assert added == new_ids - old_ids
    assert removed == old_ids - new_ids
    assert len(added) + len(diff.changed) + diff.unchanged == len(new_ids)
    # 7,379 -> 8,976 entries: 1,858 designations and 261 delistings in those 30 months
    assert (len(old_ids), len(new_ids), len(added), len(removed)) == (7379, 8976, 1858, 261)
    # An entity kept between the two lists whose record changed shows what changed.
    assert diff.changed and all(c.added or c.removed for c in diff.changed)

    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["lists", "diff", "us_ofac_sdn", "--workspace", str(db)])
    assert result.exit_code == 0, result.output
    assert f"+{len(added):,} added" in result.output
    assert f"-{len(removed):,} removed" in result.output
