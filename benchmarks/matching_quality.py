"""Name-matching quality: dibwatch-v1 and OpenSanctions' logic-v2, side by side, one run.

Data (shared/data/name_matching):
- nomenklatura name_bench_cases.csv: 826 labelled pairs (all pairs; and the
  Company/Organization/LegalEntity slice), scored live by both systems;
- watchman cross_script_pairs.csv: Arabic/Cyrillic/Han/Hangul/kana/Greek/Hebrew/Thai names
  against their Latin forms (all positives); negatives are made by pairing each query with
  another row's Latin name, so precision is defined too.
Each system is judged at its own default threshold (dibwatch-v1 0.70, logic-v2 0.70).
Usage: python benchmarks/matching_quality.py [--shared PATH] [--errors N]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from dibwatch.match import DibwatchV1, compare_names
from dibwatch.testing import shared_data_dir

ORGS = {"Company", "Organization", "LegalEntity"}


@dataclass(frozen=True)
class Case:
    group: str
    schema: str
    name1: str
    name2: str
    is_match: bool


def name_bench(shared: Path) -> list[Case]:
    path = shared / "name_matching/nomenklatura/name_bench_cases.csv"
    with path.open(encoding="utf-8") as fh:
        return [Case(r["case_group"], r["schema"], r["name1"], r["name2"],
                     r["is_match"] == "true") for r in csv.DictReader(fh)]


def cross_script(shared: Path) -> list[Case]:
    path = shared / "name_matching/watchman/cross_script_pairs.csv"
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                rows.append(next(csv.reader([line])))
    cases = [Case("cross_script", "Person", r[0], r[1], True) for r in rows]
    n = len(rows)
    cases += [Case("cross_script_neg", "Person", rows[i][0], rows[(i + n // 2) % n][1], False)
              for i in range(n)]
    return cases


def logic_v2() -> Callable[[Case], float] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2, ScoringConfig
    except ImportError:
        return None
    config = ScoringConfig.defaults()
    counter = iter(range(10**9))

    def score(case: Case) -> float:
        n = next(counter)  # logic-v2 caches by entity id: every pair needs fresh ids
        q = model.make_entity(case.schema)
        q.id = f"q{n}"
        q.add("name", case.name1)
        r = model.make_entity(case.schema)
        r.id = f"r{n}"
        r.add("name", case.name2)
        return float(LogicV2.compare(q, r, config).score)

    return score


def prf(pairs: Iterable[tuple[bool, bool]]) -> tuple[float, float, float, int]:
    tp = fp = fn = n = 0
    for truth, pred in pairs:
        n += 1
        tp += truth and pred
        fp += pred and not truth
        fn += truth and not pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=shared_data_dir())
    ap.add_argument("--errors", type=int, default=0, help="print N misclassified cases")
    args = ap.parse_args()
    console = Console(width=160)
    bench = name_bench(args.shared)
    cross = cross_script(args.shared)
    ours_t = DibwatchV1.threshold
    theirs = logic_v2()
    if theirs is None:
        console.print("[yellow]nomenklatura not installed (pip install -e '.[dev]'): "
                      "logic-v2 column left empty[/]")
    results: dict[str, list[tuple[Case, float, float | None]]] = {}
    for label, cases in (("name_bench", bench), ("cross_script", cross)):
        rows = []
        for case in cases:
            ours = compare_names(case.name1, case.name2, case.schema).score
            other = theirs(case) if theirs else None
            rows.append((case, ours, other))
        results[label] = rows

    slices: list[tuple[str, list[tuple[Case, float, float | None]]]] = [
        ("name_bench: all pairs", results["name_bench"]),
        ("name_bench: Company/Organization/LegalEntity",
         [r for r in results["name_bench"] if r[0].schema in ORGS]),
        ("name_bench: Person", [r for r in results["name_bench"] if r[0].schema == "Person"]),
        ("name_bench: hand-curated (nk_*, cust_, cluster_)",
         [r for r in results["name_bench"] if not r[0].group.startswith("synth")]),
        ("name_bench: synthetic (synth_*)",
         [r for r in results["name_bench"] if r[0].group.startswith("synth")]),
        ("watchman cross-script (+ shifted negatives)", results["cross_script"]),
    ]
    table = Table(title=f"name matching quality — dibwatch-v1 @ {ours_t:.2f} vs logic-v2 @ 0.70")
    for col in ("slice", "pairs", "dibwatch P", "R", "F1", "logic-v2 P", "R", "F1", "ΔF1"):
        table.add_column(col, justify="left" if col == "slice" else "right")
    for title, rows in slices:
        p, r, f, n = prf((c.is_match, s >= ours_t) for c, s, _ in rows)
        if theirs:
            p2, r2, f2, _ = prf((c.is_match, (o or 0) >= 0.7) for c, _, o in rows)
            theirs_cells = [f"{p2:.3f}", f"{r2:.3f}", f"{f2:.3f}", f"{f - f2:+.3f}"]
        else:
            theirs_cells = ["-"] * 4
        table.add_row(title, str(n), f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", *theirs_cells)
    console.print(table)
    if args.errors:
        wrong = [(c, s, o) for c, s, o in results["name_bench"] + results["cross_script"]
                 if (s >= ours_t) != c.is_match]
        for c, s, o in wrong[: args.errors]:
            lv2 = "-" if o is None else f"{o:.2f}"
            console.print(f"{'FN' if c.is_match else 'FP'} {s:.2f} (lv2 {lv2}) "
                          f"[{c.group}/{c.schema}] {c.name1!r} ~ {c.name2!r}",
                          markup=False)


if __name__ == "__main__":
    main()
