"""The command line: help texts, README commands, the demo, status/show/export."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from dibwatch.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner(env={"COLUMNS": "200"})  # rich tables fold in narrow terminals



def _leaves(command: Any, path: list[str]) -> list[list[str]]:
    # Typer ships its own copy of click, so groups are told by their sub-commands.
    if hasattr(command, "commands"):
        return [leaf for name, sub in sorted(command.commands.items())
                for leaf in _leaves(sub, [*path, name])]
    return [path]


# Every command the app has, found by walking it, so a new one cannot go unchecked.
COMMANDS = _leaves(typer.main.get_command(app), [])
# Commands that touch no workspace.
NO_WORKSPACE: set[tuple[str, ...]] = set()


def test_the_command_walk_finds_every_group() -> None:
    groups = {cmd[0] for cmd in COMMANDS}
    assert {"lists", "trade", "graph", "countries", "users", "demo", "screen", "rank", "report",
            "serve"} <= groups


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_every_command_has_help_and_a_workspace_option(cmd: list[str]) -> None:
    result = runner.invoke(app, [*cmd, "--help"])
    assert result.exit_code == 0, result.output
    command = typer.main.get_command(app)
    for name in cmd:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help) > 30, cmd
    if tuple(cmd) not in NO_WORKSPACE:
        assert "--workspace" in result.output


def test_the_readme_shows_every_command_group() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for group in sorted({cmd[0] for cmd in COMMANDS}):
        assert f"dibwatch {group}" in readme, group


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
    result = runner.invoke(app, ["demo", "--workspace", str(db), "--shipments", "3000",
                                 "--dossiers", "2"])
    assert result.exit_code == 0, result.output
    assert "+3 added" in result.output and "-2 removed" in result.output
    assert "~2 changed" in result.output
    assert "distinct mentions resolved into" in result.output
    assert "CHPL goods" in result.output and "firms exporting the most" in result.output
    assert "top-ranked firms" in result.output and "(2 dossiers, 2 PDFs)" in result.output
    report = tmp_path / "demo-report"
    assert (report / "index.html").exists() and len(list(report.glob("firms/*.pdf"))) == 2
    again = runner.invoke(app, ["demo", "--workspace", str(db), "--shipments", "3000",
                                "--dossiers", "1", "--no-pdf"])
    assert again.exit_code == 0 and "unchanged" in again.output
    assert "(1 dossiers, 0 PDFs)" in again.output
    assert not list(report.glob("firms/*.pdf"))  # the folder holds this run's report only

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


def test_a_much_smaller_snapshot_of_a_detected_source_warns(tmp_path: Path) -> None:
    """Another list in a known layout lands on that layout's source and becomes its current
    snapshot: when it is much smaller than the snapshot before, the user is told."""
    import csv

    from dibwatch.demo import demo_list_files

    full = demo_list_files()[0]
    with full.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    small = tmp_path / "other_list.csv"
    with small.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(rows[:3])  # header + 2 entries
    ws = str(tmp_path / "ws.duckdb")
    first = runner.invoke(app, ["lists", "load", str(full), "--workspace", ws])
    assert first.exit_code == 0 and "warning: snapshot" not in first.output
    second = runner.invoke(app, ["lists", "load", str(small), "--workspace", ws])
    assert second.exit_code == 0, second.output
    assert "warning: snapshot 2 of us_csl has 2 entities, snapshot 1 had" in second.output
    named = runner.invoke(app, ["lists", "load", str(small), "--source", "other",
                                "--workspace", ws])
    assert named.exit_code == 0 and "warning: snapshot" not in named.output
