"""One DuckDB for every install path, and a clear refusal when a workspace was written by a
DuckDB this install cannot read.

CI writes a workspace with the core install (``pip install .`` and ``dibwatch demo``) and
builds a small environment with an older DuckDB; these tests read both from the variables
``.ci/run`` sets, and skip without them outside CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dibwatch.cli import app
from dibwatch.engine.duckdb_engine import file_library_version, open_error
from dibwatch.errors import EngineVersionError, WorkspaceBusyError
from dibwatch.lists import store
from dibwatch.testing import ci_provided
from dibwatch.workspace import Workspace
from dibwatch.workspace.schema import SCHEMA_VERSION

SRC = Path(__file__).resolve().parents[2] / "src"
runner = CliRunner(env={"COLUMNS": "200"})


def test_a_workspace_written_by_the_core_install_opens_in_the_dev_install() -> None:
    path = Path(ci_provided("DIBWATCH_CORE_WORKSPACE",
                            "a workspace the core install's `dibwatch demo` wrote"))
    assert file_library_version(str(path)) == f"v{duckdb.__version__}", (
        "the core install and the dev install must get the same DuckDB")
    with Workspace(path, read_only=True) as ws:
        assert ws.schema_version == SCHEMA_VERSION
        sources = {s.source for s in store.list_snapshots(ws.engine)}
        assert {"demo_list", "synthetic_list"} <= sources
        assert ws.engine.scalar("SELECT count(*) FROM firm_scores") > 0
    result = runner.invoke(app, ["lists", "status", "--workspace", str(path)])
    assert result.exit_code == 0, result.output
    assert "demo_list" in result.output


def test_a_workspace_written_by_a_newer_duckdb_is_refused_naming_both_versions(
        tmp_path: Path) -> None:
    newer = ci_provided("DIBWATCH_NEWER_DUCKDB_PYTHON",
                        "a Python whose duckdb is newer than this one's")
    version = subprocess.run([newer, "-c", "import duckdb; print(duckdb.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    if version.split(".")[0] == duckdb.__version__.split(".")[0]:
        pytest.skip(f"{newer} has duckdb {version}, the same major as here")
    path = tmp_path / "newer.duckdb"
    subprocess.run([newer, "-c", "import sys\nfrom dibwatch.workspace import Workspace\n"
                    "Workspace(sys.argv[1]).close()\n", str(path)], check=True,
                   env={**os.environ, "PYTHONPATH": str(SRC)})
    with pytest.raises(EngineVersionError) as caught:
        Workspace(path, read_only=True)
    message = str(caught.value)
    assert f"written by DuckDB v{version}" in message
    assert f"runs DuckDB {duckdb.__version__}" in message
    assert f"pip install 'duckdb=={version}'" in message
    assert "dibwatch workspace export" in message


# DuckDB's own words (1.5.6 reading a 2.0.1 file; 2.0.1 meeting another process's lock).
VERSION_TEXT = ("IO Error: Trying to read a database file with version number 69, but we can "
                "only read versions between 64 and 68.\nThe database file was created with a "
                "newer version of DuckDB.")
LOCK_TEXT = ('IO Error: Could not set lock on file "/w/ws.duckdb": Conflicting lock is held in '
             "/usr/bin/python3.11 (PID 4242). See also https://duckdb.org/docs/current/connect/"
             "concurrency")


def test_the_storage_version_message_reads_the_writer_from_the_file_header(
        tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    duckdb.connect(str(path)).close()
    error = open_error(str(path), duckdb.IOException(VERSION_TEXT))
    assert isinstance(error, EngineVersionError)
    assert f"written by DuckDB v{duckdb.__version__} (storage version 69)" in str(error)
    assert "reads storage versions 64-68 only" in str(error)


def test_a_lock_held_elsewhere_names_the_process() -> None:
    error = open_error("/w/ws.duckdb", duckdb.IOException(LOCK_TEXT))
    assert isinstance(error, WorkspaceBusyError)
    assert error.pid == 4242
    assert "PID 4242" in str(error) and "Conflicting lock" not in str(error)


def test_a_real_lock_from_another_process_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    Workspace(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\ncon = duckdb.connect(sys.argv[1])\n"
         "print('held', flush=True)\ntime.sleep(60)\n", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WorkspaceBusyError) as caught:
            Workspace(path, read_only=True)
        assert caught.value.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()
