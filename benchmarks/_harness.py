"""Shared by the detection benchmark and the weight fitting: prepare a world (generate, load,
resolve; cached), rank its firms under a risk configuration, and score the ranking against
the world's truth.

A prepared world is cached under ``benchmarks/.cache`` by a digest of its parameters and of
the source of every stage before ranking (synth, trade, goods, lists, match, resolve, …), so
changing an indicator or a weight re-runs only the ranking; changing the generator or the
resolver prepares the world again. Ranking runs on a copy of the cached workspace.

The truth (``firms.parquet``, ``ground_truth.parquet``) is read here only, never by the
pipeline. A resolved firm is mapped to the true firm most of its members' spellings belong
to.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from _worlds import WorldSpec
from dibwatch.demo import demo_list_files
from dibwatch.lists.loader import load_list
from dibwatch.resolve import resolve_parties
from dibwatch.risk import RiskConfig, rank_firms, ranked_firms
from dibwatch.synth import SCHEMES, generate_world
from dibwatch.trade import load_shipments
from dibwatch.workspace import Workspace

CACHE = Path(__file__).resolve().parent / ".cache"
SRC = Path(__file__).resolve().parents[1] / "src" / "dibwatch"
# Every package a prepared (resolved, not yet ranked) workspace depends on.
PREPARE_PACKAGES = ("synth", "trade", "goods", "lists", "match", "resolve", "text", "model",
                    "engine", "workspace", "countries", "demo")
MEMBER_NAMES = """
SELECT m.firm_id, p.mention_id, p.name FROM firm_members m JOIN party_mentions p
USING (mention_id) WHERE p.name IS NOT NULL
"""
FLAGS = "SELECT firm_id, indicator, score FROM risk_flags WHERE run_id = ?"


def _digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(SRC)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def source_digest() -> str:
    files = [p for pkg in PREPARE_PACKAGES for p in (SRC / pkg).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    return _digest(files)


@dataclass(frozen=True)
class Prepared:
    spec: WorldSpec
    folder: Path
    seconds: float

    @property
    def world(self) -> Path:
        return self.folder / "world"

    @property
    def workspace(self) -> Path:
        return self.folder / "ws.duckdb"


def prepare(spec: WorldSpec, digest: str) -> Prepared:
    """Generate, load and resolve the world (or find it in the cache)."""
    key = hashlib.sha256((json.dumps(spec.params.to_dict(), sort_keys=True) + digest)
                         .encode()).hexdigest()[:16]
    folder = CACHE / f"{spec.name}-{key}"
    ready = folder / "ready.json"
    if ready.exists():
        return Prepared(spec, folder, float(json.loads(ready.read_text())["seconds"]))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    world = generate_world(folder / "world", spec.params)
    with Workspace(folder / "ws.duckdb") as ws:
        for path in demo_list_files():
            load_list(ws, path, source="demo_list", fmt="csl_csv")
        load_list(ws, world.fictional_list, source="synthetic_list", fmt="csl_csv")
        load_shipments(ws, world.shipments)
        resolve_parties(ws)
    seconds = time.perf_counter() - started
    ready.write_text(json.dumps({"seconds": seconds, "params": spec.params.to_dict()},
                                default=str))
    return Prepared(spec, folder, seconds)


@dataclass
class Ranked:
    """One world ranked: resolved firms best first, each mapped to its true firm."""

    spec: WorldSpec
    ranking: list[int]
    true_of: dict[int, str]
    flags: dict[int, dict[str, float]]
    truth: dict[str, dict[str, Any]]
    resolution: tuple[float, float]   # pairwise precision, recall over mentions
    seconds: float


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def rank(prepared: Prepared, config: RiskConfig | None = None) -> Ranked:
    """Rank the prepared world's firms under ``config`` (on a copy of its workspace)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dibwatch-detection-") as tmp:
        copy = Path(tmp) / "ws.duckdb"
        shutil.copyfile(prepared.workspace, copy)
        with Workspace(copy) as ws:
            result = rank_firms(ws, config)
            ranking = [int(row["firm_id"]) for row in ranked_firms(ws, result.run_id)]
            flags: dict[int, dict[str, float]] = defaultdict(dict)
            for firm, indicator, score in ws.engine.query(FLAGS, [result.run_id]):
                flags[int(firm)][str(indicator)] = float(score)
            members = ws.engine.query(MEMBER_NAMES)
    spelling = {r["spelling"]: r["firm_id"] for r in pq.read_table(
        prepared.world / "ground_truth.parquet", columns=["spelling", "firm_id"]).to_pylist()}
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    cells: Counter[tuple[int, str]] = Counter()
    for firm, _, name in members:
        if name in spelling:
            votes[int(firm)][spelling[name]] += 1
            cells[(int(firm), spelling[name])] += 1
    true_of = {firm: count.most_common(1)[0][0] for firm, count in votes.items()}
    predicted: Counter[int] = Counter()
    actual: Counter[str] = Counter()
    for (firm, true), n in cells.items():
        predicted[firm] += n
        actual[true] += n
    tp = sum(_pairs(n) for n in cells.values())
    pp, ap = sum(_pairs(n) for n in predicted.values()), sum(_pairs(n) for n in actual.values())
    truth = {r["firm_id"]: r for r in pq.read_table(prepared.world / "firms.parquet",
                                                     columns=["firm_id", "is_facilitator",
                                                              "schemes", "persona", "decoy",
                                                              "is_end_user", "listed_entity_id"]
                                                     ).to_pylist()}
    return Ranked(prepared.spec, ranking, true_of, dict(flags), truth,
                  (tp / pp if pp else 1.0, tp / ap if ap else 1.0),
                  time.perf_counter() - started)


# ------------------------------------------------------------------------------- metrics
@dataclass
class Figures:
    name: str
    family: str
    firms: int
    facilitators: int
    decoys: int
    precision_at_1: float
    best_precision_at_1: float
    recall_at_5: float
    best_recall_at_5: float
    r_precision: float
    average_precision: float
    resolution: tuple[float, float]
    # scheme -> (found in the top 5%, facilitators running it, AP of the scheme alone)
    schemes: dict[str, tuple[int, int, float]] = field(default_factory=dict)
    # persona of the non-facilitators in the top 5% -> count
    false_positives: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def _average_precision(relevant_ranks: list[int], total: int) -> float:
    """AP of a ranking whose relevant items sit at 1-based ``relevant_ranks``."""
    if total == 0:
        return 1.0
    return sum((i + 1) / r for i, r in enumerate(sorted(relevant_ranks))) / total


def evaluate(r: Ranked) -> Figures:
    facilitators = {f for f, row in r.truth.items() if row["is_facilitator"]}
    present = {r.true_of[f] for f in r.ranking if f in r.true_of} & facilitators
    n = len(r.ranking)
    top1 = r.ranking[:max(1, math.ceil(0.01 * n))]
    top5 = r.ranking[:max(1, math.ceil(0.05 * n))]
    total = len(present)

    first_rank: dict[str, int] = {}
    for rank_no, firm in enumerate(r.ranking, start=1):
        true = r.true_of.get(firm)
        if true in present and true not in first_rank:
            first_rank[true] = rank_no
    found5 = {t for t, k in first_rank.items() if k <= len(top5)}
    hits1 = sum(1 for f in top1 if r.true_of.get(f) in present)
    r_prec = (sum(1 for k in first_rank.values() if k <= total) / total) if total else 1.0

    schemes: dict[str, tuple[int, int, float]] = {}
    for scheme in SCHEMES:
        members = {f for f in present if scheme in r.truth[f]["schemes"]}
        if not members:
            continue
        # The scheme's own AP: the ranking with the other facilitators taken out.
        others = present - members
        ranks = []
        shift = 0
        for rank_no, firm in enumerate(r.ranking, start=1):
            true = r.true_of.get(firm)
            if true in others and first_rank.get(true) == rank_no:
                shift += 1
            elif true in members and first_rank.get(true) == rank_no:
                ranks.append(rank_no - shift)
        schemes[scheme] = (len(members & found5), len(members),
                           _average_precision(ranks, len(members)))
    false_positives: Counter[str] = Counter()
    for firm in top5:
        true = r.true_of.get(firm)
        if true is None or true in present:
            continue
        row = r.truth[true]
        label = row["persona"] or ("listed end user" if row["listed_entity_id"] else
                                   "end user" if row["is_end_user"] else "ordinary")
        false_positives[label] += 1
    decoys = sum(1 for row in r.truth.values() if row["decoy"])
    return Figures(
        r.spec.name, r.spec.family, n, total, decoys,
        hits1 / len(top1), min(1.0, total / len(top1)) if total else 1.0,
        len(found5) / total if total else 1.0, min(1.0, len(top5) / total) if total else 1.0,
        r_prec, _average_precision(list(first_rank.values()), total), r.resolution,
        schemes, false_positives, r.seconds)
