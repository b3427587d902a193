"""Trade pipeline at scale: generate a synthetic world, load it (streamed, every line
classified), resolve the parties into firms and screen them, score and rank them, and write
the report (overview and 50 dossiers, HTML) — at 100k and 1M shipments (10M with --sizes
10000000 if the machine allows). Each size runs in a fresh process; prints wall
time per step, peak RSS, and the 1M/100k cost ratio.
Usage: python benchmarks/trade_scale.py [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

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
from dibwatch.trade import load_shipments
from dibwatch.workspace import Workspace
out, n = Path(sys.argv[1]), int(sys.argv[2])
steps = {}
t = time.perf_counter(); files = generate_world(out / "world", WorldParams(shipments=n))
steps["generate"] = time.perf_counter() - t
ws = Workspace(out / "ws.duckdb")
t = time.perf_counter(); load_list(ws, files.fictional_list, source="synthetic_list", fmt="csl_csv")
steps["load list"] = time.perf_counter() - t
t = time.perf_counter(); r = load_shipments(ws, files.shipments)
steps["load + classify"] = time.perf_counter() - t
t = time.perf_counter(); res = resolve_parties(ws)
steps["resolve + screen"] = time.perf_counter() - t
t = time.perf_counter(); ranked = rank_firms(ws)
steps["risk + rank"] = time.perf_counter() - t
t = time.perf_counter(); write_report(ws, out / "report", dossiers=50, pdf=False)
steps["report (50 dossiers)"] = time.perf_counter() - t
ws.close()
print(json.dumps({"steps": steps, "rows": r.load.row_count, "mentions": res.mention_count,
                  "firms": res.firm_count, "matched": res.matched_firms,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(n: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-c", CHILD, tmp, str(n)], capture_output=True,
                              text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{n:,} shipments failed:\n{proc.stderr[-3000:]}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = ap.parse_args()
    console = Console(width=150)
    results = {}
    for n in args.sizes:
        console.print(f"running {n:,} shipments …")
        results[n] = run(n)
    steps = list(next(iter(results.values()))["steps"])  # type: ignore[call-overload]
    table = Table(title="trade pipeline at scale (bar: 1M end to end < 10 min, peak RSS < 8 GB)")
    for col in ("shipments", *steps, "total s", "peak RSS MB", "lines", "mentions", "firms",
                "firms on list"):
        table.add_column(col, justify="right")
    totals = {}
    for n, r in results.items():
        st = r["steps"]
        assert isinstance(st, dict)
        totals[n] = sum(st.values())
        table.add_row(f"{n:,}", *(f"{st[s]:.1f}" for s in steps), f"{totals[n]:.1f}",
                      f"{r['peak_mb']:.0f}", f"{r['rows']:,}", f"{r['mentions']:,}",
                      f"{r['firms']:,}", f"{r['matched']:,}")
    console.print(table)
    if 100_000 in totals and 1_000_000 in totals:
        console.print(f"cost ratio 1M / 100k: {totals[1_000_000] / totals[100_000]:.1f}× "
                      "(10× = linear)")


if __name__ == "__main__":
    main()
