"""The Spark engine: the heavy batch stages on a Spark cluster (``local[*]`` by default).

Spark is where work goes when one machine is not enough; it is not where the workspace
lives. Tables here are Spark views over Arrow data or Parquet datasets, written by the stage
that runs on Spark and published into the DuckDB workspace afterwards, so the web app,
reports and monitoring read them unchanged. Spark has no transactions: atomicity comes from
the publishing step (one workspace transaction, and Parquet written under a load id and
renamed last).

Statements arrive in DuckDB's dialect and are rendered by :func:`dialect.render`;
parameters stay bound (``?`` positional, ``$name`` named), never formatted in.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from dibwatch.engine.base import Engine, Params
from dibwatch.errors import ConfigError

MASTER_VAR = "DIBWATCH_SPARK_MASTER"
DEFAULT_MASTER = "local[*]"
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DROP = re.compile(r"^\s*DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?([A-Za-z_]\w*)\s*;?\s*$",
                   re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+([A-Za-z_]\w*)\s*\(([^)]*)\)\s*((?:WITH|SELECT)\b.*)$",
                     re.IGNORECASE | re.DOTALL)
_CREATE_AS = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(TEMP\s+TABLE|TEMPORARY\s+TABLE|VIEW)"
                        r"\s+([A-Za-z_]\w*)\s+AS\s+(.*)$", re.IGNORECASE | re.DOTALL)
_CREATE_EMPTY = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?TEMP(?:ORARY)?\s+TABLE\s+"
                           r"([A-Za-z_]\w*)\s*\((.*)\)\s*;?\s*$", re.IGNORECASE | re.DOTALL)
# A batch function for map_batches: one Arrow batch in, any number of batches out.
BatchFunction = Callable[[pa.RecordBatch], Iterator[pa.RecordBatch]]


def _session(master: str, app_name: str, local_dir: str) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError("the Spark engine needs the spark extra: pip install "
                          "'dibwatch[spark]' (and Java 17: apt-get install -y "
                          "openjdk-17-jre-headless)") from exc
    from splink.backends.spark import similarity_jar_location

    log_config = Path(__file__).with_name("data") / "log4j2.properties"
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.driver.extraJavaOptions",
                       f"-Dlog4j2.configurationFile=file:{log_config}")
               # Splink's Jaro-Winkler and friends are Scala UDFs shipped as a jar.
               .config("spark.jars", similarity_jar_location())
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.ansi.enabled", "false")  # DuckDB's NULL-on-error casts
               # DuckDB's json_object writes NULL members; Spark's to_json would drop them.
               .config("spark.sql.jsonGenerator.ignoreNullFields", "false")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.local.dir", local_dir)
               .config("spark.sql.warehouse.dir", os.path.join(local_dir, "warehouse")))
    if master.startswith("local"):
        # Local workers run this interpreter (its environment has dibwatch); on a cluster
        # the job ships dibwatch's wheel to the executors (docs/SCALE.md).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (builder.config("spark.driver.memory",
                                  os.environ.get("DIBWATCH_SPARK_MEMORY", "4g"))
                   .config("spark.sql.shuffle.partitions", "8"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(os.path.join(local_dir, "checkpoints"))
    return spark


class SparkEngine(Engine):
    """A Spark session (``master``: a URL such as ``spark://host:7077`` or ``yarn``, else
    ``$DIBWATCH_SPARK_MASTER``, else ``local[*]``)."""

    name = "spark"

    def __init__(self, master: str | None = None, *, app_name: str = "dibwatch",
                 local_dir: str | None = None) -> None:
        self.master = master or os.environ.get(MASTER_VAR) or DEFAULT_MASTER
        self._tmp = tempfile.TemporaryDirectory(prefix="dibwatch-spark-", dir=local_dir)
        self.spark = _session(self.master, app_name, self._tmp.name)
        self._views: set[str] = set()

    @property
    def on_one_machine(self) -> bool:
        return self.master.startswith("local")

    def describe(self) -> str:
        return f"spark ({self.master})"

    # -- SQL ----------------------------------------------------------------------------
    def _sql(self, sql: str, params: Params = None) -> Any:
        from dibwatch.engine.dialect import render

        dropped = _DROP.match(sql)
        if dropped:  # tables here are views
            self.spark.catalog.dropTempView(dropped.group(1))
            self._views.discard(dropped.group(1))
            return self.spark.createDataFrame([], "x INT")
        text = render(sql, "spark")
        if params is None:
            return self.spark.sql(text)
        if isinstance(params, dict):
            return self.spark.sql(text, args=dict(params))
        return self.spark.sql(text, args=list(params))

    def execute(self, sql: str, params: Params = None) -> None:
        """Run a statement. Tables here are views: ``CREATE TEMP TABLE … AS`` caches its
        query as a view, ``CREATE TEMP TABLE t (columns)`` makes an empty one, and
        ``INSERT INTO t (columns) SELECT …`` appends to a view; anything that changes rows
        in place (``UPDATE``, ``DELETE``) belongs to the workspace, not here."""
        created = _CREATE_AS.match(sql)
        if created:
            kind, name, body = created.groups()
            frame = self._sql(body, params)
            if not kind.upper().startswith("VIEW"):
                frame = frame.cache()
            frame.createOrReplaceTempView(name)
            self._views.add(name)
            return
        empty = _CREATE_EMPTY.match(sql)
        if empty:
            name, columns = empty.groups()
            self.spark.createDataFrame([], _spark_columns(columns)).createOrReplaceTempView(name)
            self._views.add(name)
            return
        inserted = _INSERT.match(sql)
        if inserted:
            table, columns, body = inserted.groups()
            self._append(table, columns, body, params)
            return
        if re.match(r"^\s*(UPDATE|DELETE|INSERT)\b", sql, re.IGNORECASE):
            raise ValueError(f"the Spark engine only appends query results: {sql.strip()[:80]}")
        self._sql(sql, params).collect()

    def _append(self, table: str, columns: str, body: str, params: Params) -> None:
        from pyspark.sql import functions as F

        if table not in self._views:
            raise ValueError(f"no table {table!r} on Spark to insert into")
        names = [c.strip().strip('"') for c in columns.split(",")]
        new = self._sql(body, params)
        if len(new.columns) != len(names):
            raise ValueError(f"INSERT INTO {table}: {len(names)} columns named, "
                             f"{len(new.columns)} selected")
        new = new.toDF(*names)
        current = self.spark.table(table)
        unknown = set(names) - set(current.columns)
        if unknown:
            raise ValueError(f"INSERT INTO {table}: no column(s) {', '.join(sorted(unknown))}")
        from pyspark.sql.types import ArrayType, MapType, StringType, StructType

        nested = (ArrayType, MapType, StructType)
        kinds = {f.name: f.dataType for f in new.schema.fields}
        # A JSON column is a string here; a struct or map built for it is written as JSON.
        new = new.select(*[
            (F.to_json(F.col(f.name)) if isinstance(f.dataType, StringType)
             and isinstance(kinds.get(f.name), nested)
             else F.col(f.name) if f.name in names else F.lit(None))
            .cast(f.dataType).alias(f.name) for f in current.schema.fields])
        # Checkpointed, so that a table appended to many times does not carry every earlier
        # statement in its plan.
        current.unionByName(new).localCheckpoint(eager=True).createOrReplaceTempView(table)

    def query(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._sql(sql, params).collect()]

    def query_arrow(self, sql: str, params: Params = None) -> pa.Table:
        table: pa.Table = self._sql(sql, params).toArrow()
        return table

    def iter_batches(self, sql: str, params: Params = None,
                     batch_size: int = 50_000) -> Iterator[pa.RecordBatch]:
        yield from self.query_arrow(sql, params).to_batches(batch_size)

    # -- data in --------------------------------------------------------------------------
    def _frame(self, data: pa.Table) -> Any:
        if data.num_rows == 0:
            return self.spark.createDataFrame([], _spark_schema(data.schema))
        return self.spark.createDataFrame(data)

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        if not _TABLE_NAME.match(table):
            raise ValueError(f"bad table name {table!r}")
        frame = self._frame(data)
        if table in self._views:
            frame = self.spark.table(table).unionByName(frame)
        frame.cache().createOrReplaceTempView(table)
        self._views.add(table)

    @contextlib.contextmanager
    def registered(self, name: str, data: pa.Table) -> Iterator[None]:
        self._frame(data).createOrReplaceTempView(name)
        try:
            yield
        finally:
            self.spark.catalog.dropTempView(name)

    def register_parquet(self, name: str, path: str) -> None:
        """Make the Parquet dataset at ``path`` (hive partitions read as columns) queryable
        as ``name``."""
        self.spark.read.parquet(path).createOrReplaceTempView(name)
        self._views.add(name)

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    # -- batch work -----------------------------------------------------------------------
    def map_batches(self, source: str, function: BatchFunction, schema: pa.Schema,
                    out: str, partition_by: Sequence[str], *,
                    partitions: int | None = None) -> None:
        frame = self.spark.read.parquet(source)
        if partitions:
            frame = frame.repartition(partitions)
        mapped = frame.mapInArrow(lambda batches: (b for batch in batches
                                                   for b in function(batch)),
                                  _spark_schema(schema))
        mapped.write.mode("errorifexists").partitionBy(*partition_by).parquet(out)

    def map_chunks(self, function: Callable[[Any, Any], Any], shared: Any,
                   chunks: Sequence[Any]) -> list[Any]:
        if not chunks:
            return []
        from pyspark import cloudpickle

        # Broadcast values are plain-pickled; the shared object (an index holding closures)
        # goes as cloudpickle bytes, unpickled once per worker process.
        payload = self.spark.sparkContext.broadcast(
            cloudpickle.dumps(shared))  # type: ignore[no-untyped-call]
        tasks = min(len(chunks), 4 * self.spark.sparkContext.defaultParallelism)
        token = uuid.uuid4().hex

        def run(part: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
            value = _unpickled(token, payload)
            for number, chunk in part:
                yield number, function(value, chunk)

        try:
            out = (self.spark.sparkContext.parallelize(list(enumerate(chunks)), tasks)
                   .mapPartitions(run).collect())
        finally:
            payload.unpersist()
        return [result for _, result in sorted(out, key=lambda pair: pair[0])]

    def copy_to_dataset(self, sql: str, folder: str, partition_by: Sequence[str],
                        params: Params = None) -> None:
        self._sql(sql, params).write.mode("errorifexists").partitionBy(
            *partition_by).parquet(folder)

    def copy_to(self, sql: str, path: str, fmt: str, params: Params = None) -> None:
        if fmt.lower() != "parquet":
            raise ValueError(f"the Spark engine writes Parquet, not {fmt}")
        pq.write_table(self.query_arrow(sql, params), path)

    def native(self) -> Any:
        return self.spark

    def close(self) -> None:
        for name in list(self._views):
            self.spark.catalog.dropTempView(name)
        self._views.clear()
        self.spark.catalog.clearCache()
        self._tmp.cleanup()

    def stop(self) -> None:
        """End the Spark session (its JVM stays for the process; a new engine reuses it)."""
        self.close()
        self.spark.stop()


_SHARED: dict[str, Any] = {}  # in each worker: the map's token -> the unpickled object


def _unpickled(token: str, payload: Any) -> Any:
    import pickle

    if token not in _SHARED:
        _SHARED.clear()  # one shared object per worker at a time
        _SHARED[token] = pickle.loads(payload.value)
    return _SHARED[token]


def _spark_columns(columns: str) -> str:
    """A DuckDB column list (``a VARCHAR, b INTEGER[]``) as a Spark DDL schema string."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(f"CREATE TABLE t ({columns})", read="duckdb")
    return ", ".join(f"{c.name} {c.args['kind'].sql(dialect='spark')}"
                     for c in tree.find_all(exp.ColumnDef))


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def spark_available() -> str | None:
    """Why the Spark engine cannot start here, or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'dibwatch[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and not any(
            Path(p, "java").exists() for p in os.environ.get("PATH", "").split(os.pathsep)):
        return "no Java runtime (apt-get install -y openjdk-17-jre-headless)"
    return None
