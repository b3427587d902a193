"""``dibwatch report`` on the shared small world."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from dibwatch.cli.report import report
from dibwatch.errors import StageEmptyError
from dibwatch.workspace import Workspace
from tests.report.conftest import ReportWorld

app = typer.Typer()
app.command()(report)


def test_report_command_prints_where_the_index_is(report_world: ReportWorld,
                                                  tmp_path: Path) -> None:
    path = report_world.ws.path
    report_world.ws.engine.execute("CHECKPOINT")
    out = tmp_path / "site"
    # The session workspace stays open; the command opens the same file read-only, which
    # DuckDB refuses in one process, so the command runs on a copy.
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(Path(path).read_bytes())
    result = CliRunner().invoke(app, ["--workspace", str(copy), "--out", str(out),
                                      "--dossiers", "2", "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert str((out / "index.html").resolve()) in result.output.replace("\n", "")
    assert len(list((out / "firms").glob("*.html"))) == 2
    assert not list((out / "firms").glob("*.pdf"))


def test_report_without_a_risk_run_fails_clearly(tmp_path: Path) -> None:
    Workspace(tmp_path / "empty.duckdb").close()
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path / "empty.duckdb"),
                                      "--out", str(tmp_path / "site")])
    assert isinstance(result.exception, StageEmptyError)
    assert "run `dibwatch trade load FILE` first" in str(result.exception)
