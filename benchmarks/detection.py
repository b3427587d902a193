"""Detection quality of the firm ranking against the synthetic world's ground truth.

For each world (the default parameters, a smaller facilitator share, noisier names) this
generates the world with ``dibwatch.synth``, runs the pipeline (bundled and world lists,
shipments load and classification, party resolution and screening, risk indicators, ranking)
and prints:

- precision@1%: the share of the top 1% of ranked firms that are facilitators;
- recall@5%: the share of facilitators (those present in the trade) in the top 5%;
- per-scheme recall@5% of the facilitators running each scheme.

The worlds: default parameters; a smaller facilitator share; noisier names (two levels);
a contract-holder-heavy scheme mix; and a world with 8% facilitators, more than the top 5%
can hold, judged against the best possible recall there.

Resolved firms are mapped to true firms by majority vote over their members' spellings
(``firm_members`` -> ``party_mentions.name`` -> ``ground_truth.parquet``). The ground truth
is read here only, never by the pipeline. Bars (issue 5): precision@1% >= 0.9 and
recall@5% >= 0.9 on each world.

Usage: python benchmarks/detection.py [--shipments N] [--seed N]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

from dibwatch.demo import demo_list_files
from dibwatch.lists.loader import load_list
from dibwatch.resolve import resolve_parties
from dibwatch.risk import rank_firms, ranked_firms
from dibwatch.synth import WorldParams, generate_world
from dibwatch.synth.params import SCHEMES
from dibwatch.trade import load_shipments
from dibwatch.workspace import Workspace

MEMBER_NAMES = """
SELECT m.firm_id, p.name FROM firm_members m JOIN party_mentions p USING (mention_id)
WHERE p.name IS NOT NULL
"""


@dataclass(frozen=True)
class Figures:
    world: str
    firms: int
    facilitators: int
    precision_at_1: float
    recall_at_5: float
    best_recall_at_5: float  # top-5% slots / facilitators, when there are fewer slots
    recall_at_10: float
    scheme_recall: dict[str, tuple[int, int]]
    seconds: float


def run_pipeline(ws: Workspace, world_dir: Path, params: WorldParams) -> None:
    for path in demo_list_files():
        load_list(ws, path, source="demo_list", fmt="csl_csv")
    world = generate_world(world_dir, params)
    load_list(ws, world.fictional_list, source="synthetic_list", fmt="csl_csv")
    load_shipments(ws, world.shipments)
    resolve_parties(ws)


def true_firm_of(ws: Workspace, world_dir: Path) -> dict[int, str]:
    """Resolved firm -> true firm id, by majority vote over its members' spellings."""
    truth = pq.read_table(world_dir / "ground_truth.parquet",
                          columns=["spelling", "firm_id"]).to_pylist()
    spelling_firm = {row["spelling"]: row["firm_id"] for row in truth}
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    for firm_id, name in ws.engine.query(MEMBER_NAMES):
        if name in spelling_firm:
            votes[firm_id][spelling_firm[name]] += 1
    return {firm: count.most_common(1)[0][0] for firm, count in votes.items()}


def measure(name: str, params: WorldParams, base: Path) -> Figures:
    world_dir = base / name
    started = time.perf_counter()
    with Workspace(base / f"{name}.duckdb") as ws:
        run_pipeline(ws, world_dir, params)
        result = rank_firms(ws)
        ranking = [row["firm_id"] for row in ranked_firms(ws, result.run_id)]
        mapped = true_firm_of(ws, world_dir)
    seconds = time.perf_counter() - started
    firms = {row["firm_id"]: row for row in pq.read_table(world_dir / "firms.parquet").to_pylist()}
    present = {mapped[f] for f in ranking if f in mapped}
    facilitators = {f for f in present if firms[f]["is_facilitator"]}
    top1 = ranking[:max(1, math.ceil(0.01 * len(ranking)))]
    top5 = ranking[:max(1, math.ceil(0.05 * len(ranking)))]
    precision = sum(1 for f in top1 if mapped.get(f) in facilitators) / len(top1)
    found = {mapped[f] for f in top5 if f in mapped} & facilitators
    recall = len(found) / len(facilitators) if facilitators else 1.0
    best = min(1.0, len(top5) / len(facilitators)) if facilitators else 1.0
    top10 = ranking[:max(1, math.ceil(0.10 * len(ranking)))]
    found10 = {mapped[f] for f in top10 if f in mapped} & facilitators
    recall10 = len(found10) / len(facilitators) if facilitators else 1.0
    per_scheme = {}
    for scheme in SCHEMES:
        members = {f for f in facilitators if scheme in firms[f]["schemes"]}
        if members:
            per_scheme[scheme] = (len(members & found), len(members))
    return Figures(name, len(ranking), len(facilitators), precision, recall, best, recall10,
                   per_scheme, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--shipments", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20240224)
    args = parser.parse_args(argv)
    n = args.shipments
    worlds = {
        "default": WorldParams(shipments=n, seed=args.seed),
        "fewer_facilitators": WorldParams(shipments=n, seed=args.seed + 1,
                                          facilitator_share=0.02),
        "noisy_names": WorldParams(shipments=n, seed=args.seed + 2, name_noise=0.5),
        "noisier_names": WorldParams(shipments=n, seed=args.seed + 3, name_noise=0.7,
                                     facilitator_share=0.03),
        "contract_holders": WorldParams(shipments=n, seed=args.seed + 4, primary_scheme_shares={
            "contract_holder": 0.4, "brand_reexport": 0.3, "transshipment": 0.3}),
        "more_facilitators": WorldParams(shipments=n, seed=args.seed + 5,
                                         facilitator_share=0.08),
    }
    console = Console(width=160)
    table = Table(title=f"detection ({args.shipments:,} shipment lines per world)")
    for col in ("world", "firms", "facilitators", "precision@1%", "recall@5%",
                "best possible recall@5%", "recall@10%", "per-scheme recall@5%", "seconds"):
        table.add_column(col, overflow="fold")
    ok = True
    with tempfile.TemporaryDirectory(prefix="dibwatch-detection-") as tmp:
        for name, params in worlds.items():
            fig = measure(name, params, Path(tmp))
            # A world with more facilitators than top-5% slots cannot reach the bar; it is
            # shown to watch the ranking there, judged against the best possible recall.
            bar = min(0.9, fig.best_recall_at_5)
            ok &= fig.precision_at_1 >= 0.9 and fig.recall_at_5 >= bar
            schemes = "\n".join(f"{s} {a}/{b}" for s, (a, b) in fig.scheme_recall.items())
            table.add_row(fig.world, f"{fig.firms:,}", f"{fig.facilitators:,}",
                          f"{fig.precision_at_1:.3f}", f"{fig.recall_at_5:.3f}",
                          f"{fig.best_recall_at_5:.3f}", f"{fig.recall_at_10:.3f}", schemes,
                          f"{fig.seconds:.1f}")
    console.print(table)
    console.print("bars met" if ok else "[red]bars NOT met[/red] (precision@1% and recall@5% "
                  ">= 0.9 on each world)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
