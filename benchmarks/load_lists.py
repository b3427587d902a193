"""Load every shared list file and print load time and peak memory per source.

Each load runs in a fresh process (so peak RSS is the load's own) into a fresh workspace.
Usage: python benchmarks/load_lists.py [--shared PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.lists.test_all_sources import REAL_INPUTS

from dibwatch.testing import shared_data_dir

CHILD = """
import json, resource, sys, time
from dibwatch.lists.loader import load_list
from dibwatch.workspace import Workspace
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ws = Workspace(sys.argv[1])
t0 = time.perf_counter()
r = load_list(ws, sys.argv[2])
secs = time.perf_counter() - t0
ws.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"source": r.snapshot.source, "entities": r.snapshot.entity_count,
                  "names": r.snapshot.name_count, "warnings": r.snapshot.warning_count,
                  "seconds": secs, "peak_kb": peak, "base_kb": base}))
"""


def run_one(path: Path) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / "ws.duckdb"),
                               str(path)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"load of {path} failed:\n{proc.stderr}")
    result: dict[str, float | int | str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=shared_data_dir())
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    args = parser.parse_args()
    console = Console()
    table = Table(title="list loads (fresh process and workspace each; best of "
                        f"{args.repeat})")
    for col in ("input", "source", "entities", "names", "warnings", "seconds", "entities/s",
                "peak RSS MB", "load RSS MB"):
        table.add_column(col, justify="left" if col in ("input", "source") else "right")
    total_t = 0.0
    total_n = 0
    started = time.perf_counter()
    for rel, _ in REAL_INPUTS:
        path = args.shared / rel
        if not path.exists():
            console.print(f"[yellow]skip[/] {rel}: not found under {args.shared}")
            continue
        best = min((run_one(path) for _ in range(args.repeat)), key=lambda r: r["seconds"])
        secs = float(best["seconds"])
        n = int(best["entities"])
        total_t += secs
        total_n += n
        table.add_row(rel.split("/", 1)[-1], str(best["source"]), f"{n:,}",
                      f"{int(best['names']):,}", f"{int(best['warnings']):,}", f"{secs:.2f}",
                      f"{n / secs:,.0f}", f"{int(best['peak_kb']) / 1024:.0f}",
                      f"{(int(best['peak_kb']) - int(best['base_kb'])) / 1024:.0f}")
    table.add_section()
    table.add_row("all", "", f"{total_n:,}", "", "", f"{total_t:.2f}",
                  f"{total_n / total_t:,.0f}" if total_t else "-", "", "")
    console.print(table)
    console.print(f"wall time incl. process start-up: {time.perf_counter() - started:.1f}s; "
                  f"this process peak RSS "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
