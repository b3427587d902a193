"""The default engine: embedded DuckDB, one workspace file, nothing to start."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dibwatch.csvout import open_csv
from dibwatch.engine.base import Engine, Params
from dibwatch.errors import WorkspaceError

_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
            self._read_only = read_only
        except duckdb.Error as exc:
            raise WorkspaceError(f"cannot open workspace {self.path}: {exc}") from exc
        self._in_tx = False

    def execute(self, sql: str, params: Params = None) -> None:
        self._con.execute(sql, params)

    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        return self._con.execute(sql, params).fetchall()

    def query_arrow(self, sql: str, params: Params = None) -> pa.Table:
        return _arrow_table(self._con.sql(sql, params=params))

    def iter_batches(self, sql: str, params: Params = None,
                     batch_size: int = 50_000) -> Iterator[pa.RecordBatch]:
        yield from self._arrow_reader(sql, params, batch_size)

    def _arrow_reader(self, sql: str, params: Params = None,
                      batch_size: int = 50_000) -> pa.RecordBatchReader:
        rel = self._con.sql(sql, params=params)
        # DuckDB 2 renamed the Arrow accessors; 1.x (pinned by the FtM extra) has the old ones.
        if hasattr(rel, "to_arrow_reader"):
            return rel.to_arrow_reader(batch_size)
        return rel.fetch_arrow_reader(batch_size)

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        if not _TABLE_NAME.match(table):
            raise ValueError(f"bad table name {table!r}")
        if data.num_rows == 0:
            return
        self._con.register("_incoming", data)
        try:
            cols = ", ".join(f'"{c}"' for c in data.column_names)
            self._con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            self._con.unregister("_incoming")

    @contextlib.contextmanager
    def registered(self, name: str, data: pa.Table) -> Iterator[None]:
        self._con.register(name, data)
        try:
            yield
        finally:
            self._con.unregister(name)

    @contextlib.contextmanager
    def released(self) -> Iterator[bool]:
        # DuckDB's worker threads (and its allocator's locks) do not survive fork(): a child
        # forked after heavy queries can deadlock. Closing the connection ends them; the file
        # is reopened afterwards. An in-memory database or an open transaction cannot do that.
        if self.path == ":memory:" or self._in_tx:
            yield False
            return
        self._con.close()
        try:
            yield True
        finally:
            self._con = duckdb.connect(self.path, read_only=self._read_only)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_tx:  # nested: the outer transaction decides
            yield
            return
        self._con.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield
        except BaseException as exc:
            self._in_tx = False
            with contextlib.suppress(duckdb.Error):  # a failed write may have ended it
                self._con.execute("ROLLBACK")
            if isinstance(exc, duckdb.IOException | duckdb.OutOfMemoryException):
                raise self._not_written(exc) from exc
            raise
        self._in_tx = False
        try:
            self._con.execute("COMMIT")
        except duckdb.Error as exc:  # a full disk shows here, as the WAL is written
            with contextlib.suppress(duckdb.Error):
                self._con.execute("ROLLBACK")
            raise self._not_written(exc) from exc

    def _not_written(self, exc: duckdb.Error) -> WorkspaceError:
        reason = str(exc).splitlines()[0].rsplit(": ", 1)[-1]
        return WorkspaceError(f"the workspace {self.path} could not be written ({reason}): "
                              f"nothing of this change was kept, what was there before is "
                              f"intact. Free disk space (or memory) and run it again.")

    def copy_to(self, sql: str, path: str, fmt: str, params: Params = None) -> None:
        fmt = fmt.lower()
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"unsupported format {fmt}")
        if fmt == "csv":
            # Through the one CSV writer, which neutralises formula cells; DuckDB renders each
            # value as text the way its own COPY would.
            text_sql = f"SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ({sql})"
            reader = self._arrow_reader(text_sql, params)
            with open_csv(path, lineterminator="\n") as out:
                out.writerow(reader.schema.names)
                for batch in reader:
                    out.writerows(zip(*(c.to_pylist() for c in batch.columns), strict=True))
            return
        opts = "FORMAT parquet"
        rel = _arrow_table(self._con.sql(sql, params=params)) if params else None
        if rel is not None:
            self._con.register("_export", rel)
            try:
                self._con.execute(f"COPY (SELECT * FROM _export) TO '{_quote(path)}' ({opts})")
            finally:
                self._con.unregister("_export")
        else:
            self._con.execute(f"COPY ({sql}) TO '{_quote(path)}' ({opts})")

    def splink_api(self) -> Any:
        from splink import DuckDBAPI

        # The workspace's own connection: the model reads mentions where they are.
        return DuckDBAPI(self._con)

    def close(self) -> None:
        self._con.close()


def _quote(path: str) -> str:
    return path.replace("'", "''")


def _arrow_table(result: Any) -> pa.Table:
    table = result.to_arrow_table() if hasattr(result, "to_arrow_table") else result.arrow()
    assert isinstance(table, pa.Table)
    return table
