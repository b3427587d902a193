"""The default engine: embedded DuckDB, one workspace file, nothing to start."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dibwatch.csvout import open_csv
from dibwatch.engine.base import Engine, Params
from dibwatch.errors import EngineVersionError, WorkspaceBusyError, WorkspaceError

_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
_STORAGE_VERSION = re.compile(r"version number (?P<found>\d+), but we can only read versions "
                              r"between (?P<low>\d+) and (?P<high>\d+)")
_COPY = "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])"
# DuckDB writes the version of the library that created the file into its main header.
_HEADER_LIBRARY = slice(0x34, 0x54)


# DuckDB's own default is 80% of the machine's memory: beside the Python side of a large
# resolution (the mentions' comparable forms) that is more than the machine has, and a 10M-line
# run was killed by the kernel at 24 GB. With a limit DuckDB spills sorts, joins and
# aggregates to ``<workspace>.tmp`` instead. A sixth, not a quarter: DuckDB keeps its buffer
# pool filled up to the limit, and the Python side of a stage comes on top of it (at a
# quarter a 10M-line load peaked at 7.9 GB on a 24 GB machine).
MEMORY_SHARE = 1 / 6
MEMORY_LIMIT_VAR = "DIBWATCH_MEMORY_LIMIT"
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def memory_limit() -> str | None:
    """DuckDB's memory limit: ``DIBWATCH_MEMORY_LIMIT`` ("6GB", "512MiB") when set, else
    MEMORY_SHARE of the machine's physical memory (None where that is unknown: DuckDB's
    default)."""
    value = os.environ.get(MEMORY_LIMIT_VAR, "").strip()
    if value:
        if not _MEMORY.match(value):
            raise WorkspaceError(f"{MEMORY_LIMIT_VAR}={value!r}: expected a size such as "
                                 f"6GB or 512MiB")
        return value.replace(" ", "")
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system
        return None
    return f"{max(1, int(total * MEMORY_SHARE / 2**20))}MiB"


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = self._connect(read_only)
            self._read_only = read_only
        except duckdb.Error as exc:
            raise open_error(self.path, exc) from exc
        self._in_tx = False

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        limit = memory_limit()
        config: dict[str, str | bool | int | float | list[str]] = (
            {"memory_limit": limit} if limit else {})
        return duckdb.connect(self.path, read_only=read_only, config=config)

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
        # Read through DuckDB's replacement scan of this frame's variable, not register():
        # inside a transaction a registered table stays referenced until COMMIT even after
        # unregister, so a load of 10M lines in 100 batches held every batch's Arrow buffers
        # (6.5 GB) until its end.
        _incoming = data  # read by name from the SQL below
        cols = ", ".join(f'"{c}"' for c in data.column_names)
        self._con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")

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
            self._con = self._connect(self._read_only)

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
            # Another process took the file's lock (DuckDB locks the WAL at commit).
            if _LOCK_HOLDER.search(str(exc)):
                raise open_error(self.path, exc) from exc
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

    def copy_to_dataset(self, sql: str, folder: str, partition_by: Sequence[str],
                        params: Params = None) -> None:
        if Path(folder).exists():
            raise WorkspaceError(f"{folder} exists: a dataset is written into a new folder")
        for column in partition_by:
            if not _TABLE_NAME.match(column):
                raise ValueError(f"bad column name {column!r}")
        self._con.execute(f"COPY ({sql}) TO '{_quote(folder)}' (FORMAT parquet, "
                          f"PARTITION_BY ({', '.join(partition_by)}))", params)

    def publish_copy(self, path: str) -> None:
        if self.path == ":memory:":
            raise WorkspaceError("an in-memory workspace has no file to publish")
        # After a checkpoint the file alone holds every committed change; the caller keeps
        # other writers out (one connection, used under its lock) while the bytes are copied.
        self._con.execute("CHECKPOINT")
        target = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=target.name + ".", dir=target.parent)
        os.close(fd)
        try:
            # Copied by a child process: closing any descriptor of the file in this process
            # would drop the POSIX lock DuckDB holds on it, letting other processes in.
            subprocess.run([sys.executable, "-c", _COPY, self.path, tmp], check=True,
                           capture_output=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def export_database(self, folder: str) -> None:
        self._con.execute(f"EXPORT DATABASE '{_quote(folder)}' (FORMAT parquet)")

    def import_database(self, folder: str) -> None:
        # Not IMPORT DATABASE: it creates views in name order (a view over a view that sorts
        # later fails) and reads the data from the absolute paths written at export time (a
        # moved folder fails). The same statements, views in dependency order, data from
        # wherever the folder is now.
        base = Path(folder)
        statements = [s.strip() for s in (base / "schema.sql").read_text("utf-8").split(";\n")
                      if s.strip()]
        views = [s for s in statements if _VIEW.match(s)]
        with self.transaction():
            for sql in statements:
                if not _VIEW.match(sql):
                    self._con.execute(sql)
            for line in (base / "load.sql").read_text("utf-8").splitlines():
                copied = _LOAD.match(line.strip())
                if copied:
                    source = base / Path(copied["path"]).name
                    self._con.execute(f"COPY {copied['table']} FROM '{_quote(str(source))}' "
                                      f"{copied['options']}")
            for sql in _dependency_order(views):
                self._con.execute(sql)

    def native(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def close(self) -> None:
        self._con.close()


def open_error(path: str, exc: Exception) -> WorkspaceError:
    """The reason DuckDB gave for not opening ``path``, in words a user can act on."""
    text = str(exc)
    if held := _LOCK_HOLDER.search(text):
        return WorkspaceBusyError(
            f"workspace {path} is in use by another process (PID {held['pid']}, "
            f"{held['program']}); DuckDB admits one process writing a file",
            pid=int(held["pid"]))
    if version := _STORAGE_VERSION.search(text):
        writer = file_library_version(path) or "a newer DuckDB"
        return EngineVersionError(
            f"workspace {path} was written by DuckDB {writer} (storage version "
            f"{version['found']}); this dibwatch runs DuckDB {duckdb.__version__}, which reads "
            f"storage versions {version['low']}-{version['high']} only. Install that "
            f"version here (pip install 'duckdb=={writer.lstrip('v')}'), or move the data: "
            f"`dibwatch workspace export DIR` where DuckDB {writer} is installed, then "
            f"`dibwatch workspace import DIR` here")
    return WorkspaceError(f"cannot open workspace {path}: {text}")


def file_library_version(path: str) -> str | None:
    """The DuckDB version recorded in a database file's header (e.g. ``v2.0.1``)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_HEADER_LIBRARY.stop)[_HEADER_LIBRARY]
    except OSError:
        return None
    text = raw.split(b"\0", 1)[0].decode("ascii", "replace")
    return text if re.fullmatch(r"v\d+\.\d+\.\d+\S*", text) else None


def engine_version() -> str:
    return str(duckdb.__version__)


_VIEW = re.compile(r"CREATE\s+VIEW\s+(\"?)(?P<name>\w+)\1", re.I)
_LOAD = re.compile(r"COPY\s+(?P<table>\"?\w+\"?)\s+FROM\s+'(?P<path>[^']+)'\s*(?P<options>.*?);?$",
                   re.I)


def _dependency_order(views: list[str]) -> list[str]:
    """CREATE VIEW statements ordered so that each comes after the views it reads."""
    by_name = {m["name"]: sql for sql in views if (m := _VIEW.match(sql))}
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done or name in path:
            return
        body = by_name[name].split(" AS ", 1)[-1]
        for other in by_name:
            if other != name and re.search(rf"\b{other}\b", body):
                visit(other, (*path, name))
        done.append(name)

    for name in by_name:
        visit(name, ())
    return [by_name[n] for n in done]


def _quote(path: str) -> str:
    return path.replace("'", "''")


def _arrow_table(result: Any) -> pa.Table:
    table = result.to_arrow_table() if hasattr(result, "to_arrow_table") else result.arrow()
    assert isinstance(table, pa.Table)
    return table
