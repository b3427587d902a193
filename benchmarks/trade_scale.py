"""Trade pipeline at scale: generate a synthetic world, load it (streamed, every line
classified), resolve the parties into firms and screen them, score and rank them, and write
the report (overview and 50 dossiers, HTML) — at 100k and 1M shipments (10M with --sizes
10000000 if the machine allows). Each size runs in a fresh process; prints wall
time per step, peak RSS (the whole process tree: with Spark, its JVM and Python workers too),
and the cost ratio between sizes.
With --engine spark, loading + classification, the linkage model, the screening of firms and
the risk indicators run on Spark (--spark-master, default local[2]); the rest on the
workspace's DuckDB. The child logs each stage to stderr (time, peak RSS), shown if it fails.
Usage: python benchmarks/trade_scale.py [--sizes 100000 1000000] [--engine spark]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

CHILD = """
import json, resource, sys, time
from pathlib import Path
from dibwatch.lists.loader import load_list
from dibwatch.report import write_report
from dibwatch.resolve import resolve_parties
from dibwatch.risk import rank_firms
from dibwatch.synth import WorldParams, generate_world
from dibwatch.synth.world import FILE_NAMES, WorldFiles
from dibwatch.trade import load_shipments
from dibwatch.trade.parallel_load import load_shipments_on
from dibwatch.engine.select import batch_engine
from dibwatch.ingest.files import InflateLimit, inflate_limit
from dibwatch.workspace import Workspace
out, n, engine_name, master = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
world = Path(sys.argv[5]) if len(sys.argv) > 5 else out / "world"
steps = {}
began = time.perf_counter()
def mark(stage, done=0, total=0):
    # A run killed from outside (the OOM killer) leaves only this trail: where it was.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[{time.perf_counter() - began:8.1f} s, peak {rss:,.0f} MB] {stage} {done}/{total}",
          file=sys.stderr, flush=True)
t = time.perf_counter(); engine = batch_engine(engine_name, master=master)
if engine is not None:
    engine.query("SELECT 1")
    steps["start engine"] = time.perf_counter() - t
mark("generate"); t = time.perf_counter()
if (world / "world.json").exists():  # written last: the world is complete
    files = WorldFiles(world, **{k: world / v for k, v in FILE_NAMES.items()})
else:
    files = generate_world(world, WorldParams(shipments=n))
steps["generate"] = time.perf_counter() - t
ws = Workspace(out / "ws.duckdb")
t = time.perf_counter(); load_list(ws, files.fictional_list, source="synthetic_list", fmt="csl_csv")
steps["load list"] = time.perf_counter() - t
mark("load + classify"); t = time.perf_counter()
# The generated file is genuine: lift the decompression-bomb cap (2 GiB inflated, which a
# 10M-line Parquet file exceeds), as the command line's --max-inflated-mb does.
with inflate_limit(InflateLimit.flat(64 * 1024)):
    r = (load_shipments(ws, files.shipments) if engine is None
         else load_shipments_on(engine, ws, files.shipments))
steps["load + classify"] = time.perf_counter() - t
mark("resolve"); t = time.perf_counter()
res = resolve_parties(ws, linkage_engine=engine, progress=mark)
steps["resolve + screen"] = time.perf_counter() - t
mark("risk"); t = time.perf_counter(); ranked = rank_firms(ws, engine=engine, progress=mark)
steps["risk + rank"] = time.perf_counter() - t
mark("report"); t = time.perf_counter(); write_report(ws, out / "report", dossiers=50, pdf=False,
                                                  progress=mark)
steps["report (50 dossiers)"] = time.perf_counter() - t
ws.close()
print(json.dumps({"steps": steps, "rows": r.load.row_count, "mentions": res.mention_count,
                  "firms": res.firm_count, "matched": res.matched_firms,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


NOT_PIPELINE = ("generate", "start engine")


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run(n: int, engine: str, master: str, worlds: Path | None = None) -> dict[str, object]:
    """One size in a fresh process; the peak RSS of its whole process tree sampled every
    0.2 s (a Spark driver's JVM and Python workers are its children). With ``worlds``, the
    generated world is kept in ``worlds/<n>`` and reused by a later run."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        # stderr to a file, not a pipe: Spark logs more than a pipe buffer holds, and a child
        # blocked on a full pipe would look like a slow stage.
        with out.open("w") as sink, err.open("w") as errors:
            world = [] if worlds is None else [str(worlds / str(n))]
            child = subprocess.Popen([sys.executable, "-c", CHILD, tmp, str(n), engine, master,
                                      *world],
                                     stdout=sink, stderr=errors, text=True)
            peak = 0
            tree = psutil.Process(child.pid)
            while child.poll() is None:
                peak = max(peak, _tree_rss(tree))
                time.sleep(0.2)
            stderr = err.read_text(errors="replace")
        if child.returncode != 0:
            how = (f"killed by signal {-child.returncode}" if child.returncode < 0
                   else f"exit {child.returncode}")
            raise SystemExit(f"{n:,} shipments failed ({how}; tree peak "
                             f"{peak / 2**20:,.0f} MB):\n{stderr[-3000:]}")
        result: dict[str, object] = json.loads(out.read_text().strip().splitlines()[-1])
    result["tree_peak_mb"] = peak / 2**20
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--worlds", type=Path, help="keep the generated worlds here (one folder "
                    "per size) and reuse them: generating 10M lines takes minutes")
    args = ap.parse_args()
    console = Console(width=150)
    results = {}
    for n in args.sizes:
        console.print(f"running {n:,} shipments …")
        results[n] = run(n, args.engine, args.spark_master, args.worlds)
        console.print(results[n])
        if args.json:  # after every size: a long run that fails later keeps what it measured
            args.json.write_text(json.dumps({"engine": args.engine, "results": results},
                                            indent=2))
    steps = list(next(iter(results.values()))["steps"])  # type: ignore[call-overload]
    table = Table(title=f"trade pipeline at scale on {args.engine} (bar: peak RSS < 8 GB, "
                        f"10M/1M time <= 12)")
    for col in ("shipments", *steps, "pipeline s", "peak RSS MB", "lines", "mentions", "firms",
                "firms on list"):
        table.add_column(col, justify="right")
    totals = {}
    for n, r in results.items():
        st = r["steps"]
        assert isinstance(st, dict)
        # The pipeline is what a user runs; the synthetic world is the benchmark's input.
        totals[n] = sum(v for k, v in st.items() if k not in NOT_PIPELINE)
        table.add_row(f"{n:,}", *(f"{st[s]:.1f}" for s in steps), f"{totals[n]:.1f}",
                      f"{r['tree_peak_mb']:.0f}", f"{r['rows']:,}", f"{r['mentions']:,}",
                      f"{r['firms']:,}", f"{r['matched']:,}")
    console.print(table)
    sizes = sorted(totals)
    for small, large in itertools.pairwise(sizes):
        console.print(f"pipeline cost ratio {large:,} / {small:,}: "
                      f"{totals[large] / totals[small]:.1f}× ({large / small:.0f}× = linear)")


if __name__ == "__main__":
    main()
