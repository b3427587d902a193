"""Screening quality on cases the matcher was never tuned on, beside logic-v2, in one run.

Lists: CSL 2022 + SDN 2021 + EU 833/269 + UN, loaded together. Cases are generated at run
time from those files (``_eval_cases.py``): Russian companies as customs declarations write
them in Cyrillic and in ICAO / BGN-PCGN / GOST / loose romanisation, Cyrillic persons,
Chinese names (Han against the Latin names, and Chinese trade spellings), names the lists give
in other scripts (against the Latin names only), partial names, common-word names, typos (a
letter dropped or two swapped inside a word; a letter struck on the key beside it, anywhere
in a word), person-name habits, and negatives: listed names with their one distinctive word
replaced by an invented one, changed numbers, people of many cultures and firms that are on
no list (in Latin letters; in Han characters, a Chinese name or a foreign one written by
sound; in Arabic letters, as Gulf registrations write English names).

For every query the benchmark measures
- retrieval: whether a right entity is among the candidates handed to the scorer;
- dibwatch end to end: the top hit at or above the default threshold is the decision (a
  right entity: true positive; another entity: false positive, and a miss when the query had
  a right answer);
- logic-v2 on the same candidates plus the right entities (so retrieval never costs it),
  judged the same way at its default threshold 0.70.
The figures are given per kind for the ``tune`` partition and the ``held-out`` partition
(entities hashed 70/30, negatives from another seed), as the mean and the worst over seeds.
Usage: python benchmarks/screening_quality.py [--seeds 11 12] [--lv2-share 1.0] [--errors N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _eval_cases import Case, ListEntity, Lists, build_cases
from _workspace import lists_workspace
from dibwatch.match import Candidate, Query
from dibwatch.match.screen import Screener
from dibwatch.testing import shared_data_dir

LV2_THRESHOLD = 0.70
LV2_CANDIDATES = 10
CYRILLIC_SET = ("cyrillic/customs", "romanised/icao", "romanised/bgn", "romanised/gost",
                "romanised/loose")


@dataclass
class Outcome:
    case: Case
    retrieved: bool
    ours: str  # "tp", "fn", "fp", "tn", "fp+fn"
    lv2: str | None
    ours_top: str
    lv2_top: str


def decide(case: Case, scored: list[tuple[float, str]], threshold: float) -> tuple[str, str]:
    if not scored:
        return ("fn" if case.positive else "tn"), ""
    top = max(s for s, _ in scored)
    best = [e for s, e in scored if s == top]
    right = [e for e in best if e in case.truth]
    label = f"{top:.2f} {right[0] if right else best[0]}"
    if top < threshold:
        return ("fn" if case.positive else "tn"), label
    if right:
        return "tp", label
    return ("fp+fn" if case.positive else "fp"), label


def lists_from(screener: Screener) -> Lists:
    entities = {}
    for eid, info in screener.entities.items():
        names = [(c.value, c.kind, c.form.script) for c in screener.entity_names.get(eid, [])]
        entities[eid] = ListEntity(eid, info.schema, names, info.countries, info.identifiers)
    return Lists(entities)


def logic_v2() -> Callable[[Query, str, list[str], str, str], float] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2, ScoringConfig
    except ImportError:
        return None
    config = ScoringConfig.defaults()
    made: dict[str, Any] = {}
    ftm_schemata = {"Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane"}

    def score(query: Query, qid: str, names: list[str], schema: str, key: str) -> float:
        q = made.get(qid)
        if q is None:
            made.clear()  # one query at a time: keep only its entities
            q = model.make_entity(query.schema or "LegalEntity")
            q.id = qid
            q.add("name", query.name)
            made[qid] = q
        r = model.make_entity(schema if schema in ftm_schemata else "LegalEntity")
        r.id = key
        for n in names:
            r.add("name", n)
        return float(LogicV2.compare(q, r, config).score)

    return score


def run(screener: Screener, latin: Screener, cases: list[Case], lv2_share: float,
        console: Console) -> list[Outcome]:
    lv2 = logic_v2()
    rng = random.Random(5)
    algo = screener.algorithm
    out: list[Outcome] = []
    for n, case in enumerate(track(cases, description="screening", console=console)):
        s = latin if case.latin_only else screener
        cands = s.candidates(case.query)
        retrieved = bool(case.truth & set(cands))
        ours = []
        for eid, cnames in cands.items():
            info = s.entities[eid]
            m = algo.compare(case.query, Candidate(eid, info.schema, info.caption,
                                                   tuple(cnames), info.countries,
                                                   info.identifiers))
            ours.append((m.score, eid))
        o_label, o_top = decide(case, ours, algo.threshold)
        l_label: str | None = None
        l_top = ""
        if lv2 is not None and rng.random() < lv2_share:
            ranked = [e for _, e in sorted(ours, reverse=True)][:LV2_CANDIDATES]
            pool = dict.fromkeys([*ranked, *sorted(case.truth & set(s.entities))])
            scored = []
            for eid in pool:
                names = [c.value for c in s.entity_names.get(eid, [])]
                if names:
                    info = s.entities[eid]
                    key = f"{'l' if case.latin_only else 'a'}-{eid}"
                    scored.append((lv2(case.query, f"q{n}", names, info.schema, key), eid))
            l_label, l_top = decide(case, scored, LV2_THRESHOLD)
        out.append(Outcome(case, retrieved, o_label, l_label, o_top, l_top))
    return out


def prf(labels: list[str]) -> tuple[float, float, float]:
    tp = labels.count("tp")
    fp = labels.count("fp") + labels.count("fp+fn")
    fn = labels.count("fn") + labels.count("fp+fn")
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _slices(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    by: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        k = o.case.kind
        by[k].append(o)
        by[o.case.group + "/*"].append(o)
        if k in CYRILLIC_SET:
            by["=cyrillic set (companies)"].append(o)
        if k.startswith("neg/person-"):
            by["=non-listed persons"].append(o)
        if o.case.positive:
            by["=all positives"].append(o)
        else:
            by["=all negatives"].append(o)
        by["=overall"].append(o)
    return by


def table(title: str, per_seed: list[dict[str, list[Outcome]]], console: Console) -> None:
    t = Table(title=title, title_justify="left")
    for col in ("kind", "n", "retrieval", "dibwatch P", "R", "F1 (worst)", "logic-v2 P", "R",
                "F1 (worst)", "ΔF1"):
        t.add_column(col, justify="left" if col == "kind" else "right")
    kinds = sorted({k for s in per_seed for k in s},
                   key=lambda k: (k.startswith("="), k.startswith("neg"), k))
    for kind in kinds:
        rows = [s[kind] for s in per_seed if kind in s]
        n = statistics.mean(len(r) for r in rows)
        negative = all(not o.case.positive for r in rows for o in r)
        retr = [sum(o.retrieved for o in r if o.case.positive) /
                max(1, sum(o.case.positive for o in r)) for r in rows]
        ours = [prf([o.ours for o in r]) for r in rows]
        theirs = [prf([o.lv2 for o in r if o.lv2 is not None]) for r in rows
                  if any(o.lv2 is not None for o in r)]
        if negative:
            fpr = [sum(o.ours != "tn" for o in r) / len(r) for r in rows]
            lfpr = [sum(o.lv2 not in ("tn", None) for o in r) /
                    max(1, sum(o.lv2 is not None for o in r)) for r in rows]
            t.add_row(kind, f"{n:.0f}", "-", "false match", f"{statistics.mean(fpr):.4f}",
                      f"worst {max(fpr):.4f}", "false match",
                      f"{statistics.mean(lfpr):.4f}" if theirs else "-",
                      f"worst {max(lfpr):.4f}" if theirs else "-", "")
            continue
        f1 = [f for _, _, f in ours]
        cells = [kind, f"{n:.0f}", f"{statistics.mean(retr):.4f}",
                 f"{statistics.mean(p for p, _, _ in ours):.3f}",
                 f"{statistics.mean(r for _, r, _ in ours):.3f}",
                 f"{statistics.mean(f1):.3f} ({min(f1):.3f})"]
        if theirs:
            lf1 = [f for _, _, f in theirs]
            cells += [f"{statistics.mean(p for p, _, _ in theirs):.3f}",
                      f"{statistics.mean(r for _, r, _ in theirs):.3f}",
                      f"{statistics.mean(lf1):.3f} ({min(lf1):.3f})",
                      f"{statistics.mean(f1) - statistics.mean(lf1):+.3f}"]
        else:
            cells += ["-"] * 4
        t.add_row(*cells)
    console.print(t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=shared_data_dir())
    ap.add_argument("--workspace", type=Path, default=Path("benchmarks/.cache/lists.duckdb"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    ap.add_argument("--lv2-share", type=float, default=1.0,
                    help="share of queries also scored by logic-v2 (it is slow)")
    ap.add_argument("--errors", type=int, default=0, help="print N tune-partition errors")
    ap.add_argument("--kind", default="", help="only kinds starting with this")
    args = ap.parse_args()
    console = Console(width=170)
    ws, _ = lists_workspace(args.shared, args.workspace, console)
    screener = Screener(ws)
    latin = Screener(ws, names=lambda c: c.form.script in ("Latin", None))
    lists = lists_from(screener)
    per_seed: dict[bool, list[dict[str, list[Outcome]]]] = {False: [], True: []}
    errors: list[Outcome] = []
    t0 = time.perf_counter()
    for seed in args.seeds:
        cases = [c for c in build_cases(lists, seed) if c.kind.startswith(args.kind)]
        console.print(f"seed {seed}: {len(cases):,} cases "
                      f"({sum(c.held_out for c in cases):,} held out)")
        outcomes = run(screener, latin, cases, args.lv2_share, console)
        for part in (False, True):
            per_seed[part].append(_slices([o for o in outcomes if o.case.held_out == part]))
        errors += [o for o in outcomes if not o.case.held_out and o.ours not in ("tp", "tn")]
    for part, label in ((False, "tune"), (True, "held-out")):
        table(f"screening quality, {label} partition — dibwatch "
              f"{screener.algorithm.name}/{screener.algorithm.version} @ "
              f"{screener.algorithm.threshold:.2f} vs logic-v2 @ {LV2_THRESHOLD:.2f} "
              f"(mean over seeds {args.seeds}; worst in brackets)", per_seed[part], console)
    console.print(f"{time.perf_counter() - t0:.0f}s")
    rng = random.Random(1)
    for o in rng.sample(errors, min(args.errors, len(errors))):
        console.print(f"{o.ours:5} [{o.case.kind}] {o.case.query.name!r} (from "
                      f"{o.case.source_name!r}) retrieved={o.retrieved} top={o.ours_top} "
                      f"lv2={o.lv2} {o.lv2_top}", markup=False)


if __name__ == "__main__":
    main()
