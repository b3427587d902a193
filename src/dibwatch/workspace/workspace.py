"""The workspace: one DuckDB file holding every snapshot, migrated on open."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from dibwatch.engine import DuckDBEngine, Engine
from dibwatch.errors import SchemaVersionError, WorkspaceError
from dibwatch.workspace.schema import MIGRATIONS, SCHEMA_VERSION

DEFAULT_WORKSPACE = "dibwatch.duckdb"
ENV_VAR = "DIBWATCH_WORKSPACE"


def resolve_path(path: str | Path | None = None) -> Path:
    """``path``, else ``$DIBWATCH_WORKSPACE``, else ``./dibwatch.duckdb``."""
    if path:
        return Path(path)
    return Path(os.environ.get(ENV_VAR) or DEFAULT_WORKSPACE)


class Workspace:
    """Open (creating and migrating as needed) the workspace at ``path``.

    ``path`` is the workspace's name everywhere (its app state, its announcements sit beside
    it); ``engine`` may hold another file, e.g. the copy a running server published."""

    def __init__(self, path: str | Path | None = None, *, engine: Engine | None = None,
                 read_only: bool = False) -> None:
        self.path = resolve_path(path) if engine is None else Path(path or ":memory:")
        self.read_only = read_only
        if engine is None:
            if read_only and not self.path.exists():
                raise WorkspaceError(f"no workspace at {self.path} (load a list first)")
            engine = DuckDBEngine(self.path, read_only=read_only)
        self.engine = engine
        if not read_only:
            self._migrate()
        else:
            self._check_version()

    def _current_version(self) -> int:
        exists = self.engine.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
        if not exists:
            return 0
        return int(self.engine.scalar("SELECT max(version) FROM schema_version") or 0)

    def _check_version(self) -> None:
        version = self._current_version()
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"workspace {self.path} has schema version {version}; this dibwatch knows "
                f"{SCHEMA_VERSION}. Upgrade dibwatch.")

    def _migrate(self) -> None:
        self._check_version()
        with self.engine.transaction():
            self.engine.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
                "description VARCHAR NOT NULL, applied_at TIMESTAMP DEFAULT current_timestamp)")
            current = self._current_version()
            for version, description, statements in MIGRATIONS:
                if version <= current:
                    continue
                for sql in statements:
                    self.engine.execute(sql)
                self.engine.execute(
                    "INSERT INTO schema_version (version, description) VALUES (?, ?)",
                    [version, description])

    @property
    def schema_version(self) -> int:
        return self._current_version()

    def export(self, folder: Path) -> None:
        """Every table as Parquet plus the schema, readable by any DuckDB version."""
        if folder.exists() and any(folder.iterdir()):
            raise WorkspaceError(f"{folder} is not empty: export into a new folder")
        folder.mkdir(parents=True, exist_ok=True)
        self.engine.export_database(str(folder))

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def import_workspace(path: Path, folder: Path) -> Workspace:
    """A new workspace at ``path`` holding what ``Workspace.export`` wrote to ``folder``
    (migrated if it came from an older dibwatch)."""
    if path.exists():
        raise WorkspaceError(f"{path} exists: import into a new workspace file")
    if not (folder / "schema.sql").exists():
        raise WorkspaceError(f"{folder} holds no exported workspace (no schema.sql)")
    engine = DuckDBEngine(path)
    try:
        engine.import_database(str(folder))
    except Exception:
        engine.close()
        path.unlink(missing_ok=True)
        raise
    return Workspace(path, engine=engine)
