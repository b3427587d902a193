"""Analysts correct firms: a split or a merge is audited and survives re-resolution and new
shipments."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from dibwatch import pipeline
from dibwatch.casework.state import AppState, state_path_for
from dibwatch.cli import app
from dibwatch.synth import WorldParams, generate_world
from dibwatch.trade import load_shipments
from dibwatch.workspace import Workspace

runner = CliRunner(env={"COLUMNS": "200"})


def firm_of(ws: Workspace) -> dict[str, set[int]]:
    """spelling -> the firms its mentions are in."""
    out: dict[str, set[int]] = {}
    for name, firm in ws.engine.query("SELECT p.name, m.firm_id FROM firm_members m "
                                      "JOIN party_mentions p USING (mention_id)"):
        out.setdefault(name, set()).add(int(firm))
    return out


def test_a_split_and_a_merge_survive_re_resolution_and_new_shipments(tmp_path: Path) -> None:
    world = generate_world(tmp_path / "w", WorldParams(shipments=3000, seed=5))
    table = pq.read_table(world.shipments)
    first, second = tmp_path / "first.parquet", tmp_path / "second.parquet"
    pq.write_table(table.slice(0, 2000), first)
    pq.write_table(table.slice(2000), second)
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        load_shipments(ws, first)
        pipeline.resolve(ws)
        firms = ws.engine.query(
            "SELECT m.firm_id, list(DISTINCT p.name ORDER BY p.name) FROM firm_members m "
            "JOIN party_mentions p USING (mention_id) GROUP BY m.firm_id "
            "HAVING count(DISTINCT p.name) >= 3 ORDER BY m.firm_id LIMIT 3")
    (split_firm, names), (a, _), (b, _) = firms
    spelling = names[0]
    done = runner.invoke(app, ["trade", "split", str(split_firm), "--name", spelling,
                               "--note", "another company", "-w", str(path)])
    assert done.exit_code == 0, done.output
    assert runner.invoke(app, ["trade", "merge", str(a), str(b), "-w", str(path)]).exit_code == 0

    with Workspace(path, read_only=True) as ws:
        a_names = {n for n, fs in firm_of(ws).items() if a in fs}
        b_names = {n for n, fs in firm_of(ws).items() if b in fs}

    def check(ws: Workspace) -> None:
        where = firm_of(ws)
        assert where[spelling].isdisjoint(where[names[1]]), "the split spelling rejoined"
        together = {f for n in a_names | b_names for f in where[n]}
        assert len(together) == 1, f"the merged firms are apart again: {together}"

    with Workspace(path) as ws:
        assert not pipeline.resolve_state(ws).up_to_date  # a correction changes the input
        pipeline.resolve(ws)
        check(ws)
        load_shipments(ws, second)
        assert pipeline.resolve(ws).ran
        check(ws)
        assert pipeline.resolve(ws).ran is False  # nothing changed since
    state = AppState(state_path_for(path))
    with state.connect() as con:
        actions = [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY audit_id")]
    assert actions.count("firm.split") == 1 and actions.count("firm.merge") == 1
