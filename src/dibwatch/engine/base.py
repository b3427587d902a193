"""The interface every storage engine implements."""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

import pyarrow as pa

# Positional (``?``, ``$1``) or named (``$name``) parameters.
Params = Sequence[Any] | Mapping[str, Any] | None


class Engine(ABC):
    """Set-based storage and queries. SQL passed in is the stage's own, kept in one module per
    stage; parameters are always bound, never formatted into the string."""

    name: str

    @abstractmethod
    def execute(self, sql: str, params: Params = None) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def query_arrow(self, sql: str, params: Params = None) -> pa.Table: ...

    @abstractmethod
    def iter_batches(self, sql: str, params: Params = None,
                     batch_size: int = 50_000) -> Iterator[pa.RecordBatch]: ...

    @abstractmethod
    def insert_arrow(self, table: str, data: pa.Table) -> None:
        """Append ``data`` (columns named as in ``table``) to ``table``."""

    @abstractmethod
    def registered(self, name: str, data: pa.Table) -> AbstractContextManager[None]:
        """Make ``data`` queryable as table ``name`` for the duration of the block."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside commit together or not at all."""

    @abstractmethod
    def copy_to(self, sql: str, path: str, fmt: str, params: Params = None) -> None:
        """Write a query's result to a CSV or Parquet file."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    def on_one_machine(self) -> bool:
        """Whether all the engine's work runs on this machine (a cluster engine says no)."""
        return True

    def describe(self) -> str:
        """The engine as a person reads it in a progress line."""
        return self.name

    def copy_to_dataset(self, sql: str, folder: str, partition_by: Sequence[str],
                        params: Params = None) -> None:
        """Write a query's result as a Parquet dataset at ``folder`` (which must not exist),
        hive-partitioned by ``partition_by`` (``folder/load_id=3/month=2023-04/…``)."""
        raise NotImplementedError(f"engine {self.name!r} cannot write a dataset")

    def register_parquet(self, name: str, path: str) -> None:
        """Make the Parquet dataset at ``path`` (hive partitions read as columns) queryable
        as ``name``. Batch engines only."""
        raise NotImplementedError(f"engine {self.name!r} does not register datasets")

    def map_batches(self, source: str, function: Callable[[pa.RecordBatch],
                                                           Iterator[pa.RecordBatch]],
                    schema: pa.Schema, out: str, partition_by: Sequence[str], *,
                    partitions: int | None = None) -> None:
        """Run ``function`` over the Arrow batches of the Parquet dataset at ``source`` in
        parallel (``partitions`` tasks), writing what it yields (``schema``) as a Parquet
        dataset at ``out`` partitioned by ``partition_by``. Batch engines only."""
        raise NotImplementedError(f"engine {self.name!r} does not run batch functions")

    def map_chunks(self, function: Callable[[Any, Any], Any], shared: Any,
                   chunks: Sequence[Any]) -> list[Any]:
        """``[function(shared, chunk) for chunk in chunks]``, in parallel where the engine can
        (``shared``, e.g. a screening index, is sent once to each worker). In-process here."""
        return [function(shared, chunk) for chunk in chunks]

    def publish_copy(self, path: str) -> None:
        """Write a consistent, read-only copy of the whole database to ``path`` (replaced
        atomically), for readers in other processes while this one holds the original."""
        raise NotImplementedError(f"engine {self.name!r} cannot publish a copy")

    def export_database(self, folder: str) -> None:
        """Write every table and sequence to ``folder`` in a form any version of the engine
        can import (Parquet plus the schema)."""
        raise NotImplementedError(f"engine {self.name!r} cannot export")

    def import_database(self, folder: str) -> None:
        """Read a folder written by :meth:`export_database` into this (empty) database."""
        raise NotImplementedError(f"engine {self.name!r} cannot import")

    def released(self) -> AbstractContextManager[bool]:
        """Release the engine's resources (threads, file handles) for the block, so the
        process can fork workers safely; yields False when it cannot (the caller then works
        in-process). The engine is usable again after the block."""
        return contextlib.nullcontext(False)

    def native(self) -> Any:
        """The engine's own handle (a DuckDB connection, a Spark session), for libraries
        that integrate with the engine themselves; see :mod:`dibwatch.engine.dialect`."""
        raise NotImplementedError(f"engine {self.name!r} has no native handle")

    def scalar(self, sql: str, params: Params = None) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None
