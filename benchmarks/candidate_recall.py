"""Candidate recall on the yente candidate-generation benchmark.

Queries are UN-list persons with perturbed ("treated") names; the true entity is the UN entry
whose name is the untreated form of the same row. With every shared list loaded together
(CSL 2022, SDN 2021, EU 833 and 269, UN), the benchmark counts how often the true entity is
among the candidates handed to the scorer, and how often it is then the top match.
Usage: python benchmarks/candidate_recall.py [--shared PATH] [--workspace PATH]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _workspace import lists_workspace
from dibwatch.match import Query
from dibwatch.match.names import analyse
from dibwatch.match.screen import Screener
from dibwatch.testing import shared_data_dir

BENCH = "name_matching/yente_candidate_benchmark"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=shared_data_dir())
    ap.add_argument("--workspace", type=Path, default=Path("benchmarks/.cache/lists.duckdb"))
    ap.add_argument("--misses", type=int, default=10)
    args = ap.parse_args()
    console = Console(width=150)
    ws, _ = lists_workspace(args.shared, args.workspace, console)
    screener = Screener(ws)
    with (args.shared / BENCH / "candidate_generation_benchmark__positives_un_untreated.csv"
          ).open(encoding="utf-8") as fh:
        plain = list(csv.DictReader(fh))
    with (args.shared / BENCH / "candidate_generation_benchmark__positives_un_treated.csv"
          ).open(encoding="utf-8") as fh:
        treated = list(csv.DictReader(fh))
    # The true entity: the UN entry carrying the untreated name (compared as analysed tokens).
    un_names: dict[tuple[str, ...], set[str]] = {}
    for entity_id, cname in screener.names.values():
        if entity_id.startswith("un_sc-"):
            un_names.setdefault(tuple(sorted(cname.form.tokens)), set()).add(entity_id)
    rows = []
    for p, t in zip(plain, treated, strict=True):
        truth = un_names.get(tuple(sorted(analyse(p["full_name"], "Person").tokens)))
        if truth:
            rows.append((t["full_name"], p["full_name"], truth))
    queries = [Query(t, "Person") for t, _, _ in rows]
    t0 = time.perf_counter()
    found = top1 = 0
    misses = []
    for i, (treated_name, plain_name, truth) in enumerate(rows):
        retrieved = screener.retrieve(queries[i])
        if truth & set(screener.candidates(queries[i], retrieved)):
            found += 1
        else:
            misses.append((treated_name, plain_name))
        result = screener.score(queries[i], 1, retrieved)
        if result.hits and result.hits[0].entity.entity_id in truth:
            top1 += 1
    secs = time.perf_counter() - t0
    n = len(rows)
    console.print(f"yente UN treated positives: {len(plain)} rows, {n} with the untreated name "
                  f"found in the UN list")
    console.print(f"candidate recall (true entity among the candidates scored): "
                  f"[bold]{found}/{n} = {found / n:.4f}[/]  (bar ≥ 0.995)")
    console.print(f"top-1 after scoring: {top1}/{n} = {top1 / n:.4f}; {secs:.1f}s")
    for treated_name, plain_name in misses[: args.misses]:
        console.print(f"  missed: {treated_name!r} (true: {plain_name!r})", markup=False)


if __name__ == "__main__":
    main()
