"""Shared by the matching benchmarks: a workspace with the shared lists loaded together."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from dibwatch.lists.loader import load_list
from dibwatch.match.index import build_index, is_fresh
from dibwatch.workspace import Workspace

SCREENING_LISTS = [
    "sanctions/us_csl_2022-05/consolidated.csv.gz",
    "sanctions/ofac_sdn_2021-07",
    "sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0833.csv",
    "sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0269.csv",
    "sanctions/un_consolidated_2026-02/consolidated.xml",
]


def lists_workspace(shared: Path, path: Path, console: Console) -> tuple[Workspace, float]:
    """Open (loading what is missing) the benchmark workspace; returns it and the seconds the
    index build took (0 when it was already fresh)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ws = Workspace(path)
    for rel in SCREENING_LISTS:
        result = load_list(ws, shared / rel)
        if result.created:
            console.print(f"loaded {rel}: {result.snapshot.entity_count:,} entities")
    built = 0.0
    if not is_fresh(ws.engine):
        t0 = time.perf_counter()
        state = build_index(ws.engine)
        built = time.perf_counter() - t0
        console.print(f"index: {state.name_count:,} names, {state.key_count:,} postings, "
                      f"built in {built:.1f}s")
    return ws, built
