"""Fit the ranking weights on the tuning worlds, judged world by world on worlds left out.

Ranks every world of the ``tune`` family (``benchmarks/_worlds.py``) with the risk
configuration, takes each resolved firm's flag scores and its truth (a facilitator or not)
and fits noisy-OR weights (``dibwatch.risk.fit``): leave-one-world-out first, printing each
world's average precision under the configured weights and under weights fitted on the
other worlds, then on all tuning worlds. With ``--write`` the fitted weights go into the
bundled ``risk/data/risk.yml`` with ``--version``. The holdout family is never read here.

Usage: python benchmarks/fit_weights.py [--worlds N] [--l2 X] [--write --version V]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from _harness import Ranked, prepare, rank, source_digest
from _worlds import family
from dibwatch.risk import load_config
from dibwatch.risk.fit import (
    Example,
    average_precision,
    cross_validate,
    fit_weights,
    write_weights,
)

RISK_YML = Path(__file__).resolve().parents[1] / "src" / "dibwatch" / "risk" / "data" / \
    "risk.yml"


def examples(ranked: Ranked) -> list[Example]:
    out = []
    for firm in ranked.ranking:
        true = ranked.true_of.get(firm)
        label = bool(true is not None and ranked.truth[true]["is_facilitator"])
        out.append(Example(ranked.flags.get(firm, {}), label, ranked.spec.name))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--worlds", type=int, default=20)
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--prior", action="store_true",
                        help="pull the weights toward the configured ones, not toward 0")
    parser.add_argument("--write", action="store_true", help="write the weights to risk.yml")
    parser.add_argument("--version", default=None, help="weights_version to write")
    args = parser.parse_args(argv)
    if args.write and not args.version:
        parser.error("--write needs --version")
    console = Console(width=160)
    config = load_config()
    indicators = list(config.indicators)
    digest = source_digest()
    data: list[Example] = []
    with Progress(console=console, transient=True) as progress:
        specs = family("tune", args.worlds)
        task = progress.add_task("ranking the tuning worlds", total=len(specs))
        for spec in specs:
            data += examples(rank(prepare(spec, digest), config))
            progress.advance(task)
    current = {i: config.weight(i) for i in indicators}
    prior = current if args.prior else None
    cv = cross_validate(data, indicators, l2=args.l2, prior=prior)
    table = Table(title="average precision per world: configured weights vs weights fitted "
                        "on the other worlds")
    for col in ("world", "configured", "fitted (left out)"):
        table.add_column(col)
    for world, (ap, _) in cv.items():
        mine = average_precision([e for e in data if e.group == world], current)
        table.add_row(world, f"{mine:.3f}", f"{ap:.3f}")
    configured = [average_precision([e for e in data if e.group == w], current) for w in cv]
    fitted = [ap for ap, _ in cv.values()]
    table.add_row("mean", f"{statistics.mean(configured):.3f}", f"{statistics.mean(fitted):.3f}")
    table.add_row("worst", f"{min(configured):.3f}", f"{min(fitted):.3f}")
    console.print(table)
    fit = fit_weights(data, indicators, l2=args.l2, prior=prior)
    spread = {i: (min(w[i] for _, w in cv.values()), max(w[i] for _, w in cv.values()))
              for i in indicators}
    weights = Table(title=f"weights fitted on all {args.worlds} tuning worlds "
                          f"({fit.examples} firms, {fit.positives} facilitators)")
    for col in ("indicator", "configured", "fitted", "range over the left-out fits"):
        weights.add_column(col)
    for i in indicators:
        weights.add_row(i, f"{current[i]:g}", f"{fit.weights[i]:g}",
                        f"{spread[i][0]:g} – {spread[i][1]:g}")
    console.print(weights)
    if args.write:
        write_weights(RISK_YML, fit.weights, args.version)
        console.print(f"wrote the weights to {RISK_YML} as version {args.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
