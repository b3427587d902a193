from __future__ import annotations

from pathlib import Path

import pytest

from dibwatch.errors import SchemaVersionError, WorkspaceError
from dibwatch.workspace import Workspace
from dibwatch.workspace.schema import MIGRATIONS, SCHEMA_VERSION


def test_new_workspace_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        assert ws.schema_version == SCHEMA_VERSION
        tables = {r[0] for r in ws.engine.query(
            "SELECT table_name FROM information_schema.tables")}
    assert {"snapshots", "entities", "names", "identifiers", "sanctions",
            "load_issues"} <= tables
    with Workspace(path) as ws:  # re-opening does not re-apply migrations
        assert ws.engine.scalar("SELECT count(*) FROM schema_version") == len(MIGRATIONS)


def test_env_var_sets_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIBWATCH_WORKSPACE", str(tmp_path / "env.duckdb"))
    with Workspace() as ws:
        assert ws.path == tmp_path / "env.duckdb"
    assert (tmp_path / "env.duckdb").exists()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        ws.engine.execute("INSERT INTO schema_version (version, description) VALUES (999, 'x')")
    with pytest.raises(SchemaVersionError, match="999"):
        Workspace(path)


def test_read_only_needs_an_existing_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace(tmp_path / "missing.duckdb", read_only=True)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(WorkspaceError, match="cannot open"):
        Workspace(path)


def test_migration_numbers_run_without_gaps() -> None:
    """Migrations apply by number above the workspace's version: a number added below one
    already applied (a gap filled later) would never run on existing workspaces."""
    assert [m[0] for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
