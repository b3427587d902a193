"""The command line: help texts, README commands, the demo, status/show/export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dibwatch.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner(env={"COLUMNS": "200"})  # rich tables fold in narrow terminals

COMMANDS = [["lists", "load"], ["lists", "status"], ["lists", "diff"], ["lists", "export"],
            ["lists", "show"], ["lists", "fetch"], ["lists", "sources"], ["demo"], ["screen"],
            ["rank"]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_every_command_has_help_and_a_workspace_option(cmd: list[str]) -> None:
    result = runner.invoke(app, [*cmd, "--help"])
    assert result.exit_code == 0, result.output
    if cmd != ["lists", "sources"]:
        assert "--workspace" in result.output


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2
    run, test = blocks[0].strip(), blocks[1].strip()
    assert "pip install" in run and "dibwatch demo" in run
    assert "pip install" in test and "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test.splitlines()[-1] in ci, "CI must run the README's test command"


def test_demo_loads_and_diffs(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["demo", "--workspace", str(db), "--shipments", "3000"])
    assert result.exit_code == 0, result.output
    assert "+3 added" in result.output and "-2 removed" in result.output
    assert "~2 changed" in result.output
    assert "distinct mentions resolved into" in result.output
    assert "CHPL goods" in result.output and "firms exporting the most" in result.output
    again = runner.invoke(app, ["demo", "--workspace", str(db), "--shipments", "3000"])
    assert again.exit_code == 0 and "unchanged" in again.output

    status = runner.invoke(app, ["lists", "status", "--workspace", str(db)])
    assert status.exit_code == 0 and "demo_list" in status.output
    show = runner.invoke(app, ["lists", "show", "demo-0001", "--workspace", str(db)])
    assert show.exit_code == 0, show.output
    assert "Krylotronika Instrument Works JSC" in show.output
    assert "INN" in show.output and "valid" in show.output

    for fmt in ("csv", "parquet", "ftm"):
        out = tmp_path / f"export.{fmt}"
        res = runner.invoke(app, ["lists", "export", "--format", fmt, "-o", str(out),
                                  "--source", "demo_list", "--workspace", str(db)])
        assert res.exit_code == 0, res.output
        assert "13 entities" in res.output and out.stat().st_size > 0


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    proc = subprocess.run([sys.executable, "-m", "dibwatch", "lists", "load", str(junk),
                           "--workspace", str(tmp_path / "w.duckdb")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "error:" in proc.stderr and "junk.txt" in proc.stderr
    assert "Traceback" not in proc.stderr
