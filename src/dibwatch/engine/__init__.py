"""The engine boundary: every table read and write goes through an :class:`Engine`.

DuckDB (embedded, one file) is the default; a Spark engine can implement the same interface.
Only modules under ``dibwatch.engine`` import a database driver.
"""

from dibwatch.engine.base import Engine
from dibwatch.engine.duckdb_engine import DuckDBEngine

__all__ = ["DuckDBEngine", "Engine"]
