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
    """Open (creating and migrating as needed) the workspace at ``path``."""

    def __init__(self, path: str | Path | None = None, *, engine: Engine | None = None,
                 read_only: bool = False) -> None:
        self.path = resolve_path(path) if engine is None else Path(path or ":memory:")
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

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
