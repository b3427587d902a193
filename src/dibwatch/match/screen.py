"""Screening queries against the index: candidates in the engine, scoring in Python (on every
core), and a proof-of-screening record of each run."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process

from dibwatch.errors import NotFoundError
from dibwatch.match.algorithm import ABJADS, Candidate, CandidateName, DibwatchV1, Match, Query
from dibwatch.match.index import build_index, idf_function, index_state, is_fresh
from dibwatch.match.keys import name_keys
from dibwatch.match.names import NameForm, analyse
from dibwatch.model.entity import Identifier, NameKind
from dibwatch.workspace import Workspace

NAME_CANDIDATES = 100  # list names kept per query from the key index
ENTITY_CANDIDATES = 20  # entities considered per query
SHORTLIST = 5  # names given the full comparison, chosen by rapidfuzz token-sort ratio (C speed)
SHORTLIST_FLOOR = 55  # token-sort ratio (0-100) under which a name is not worth scoring
Progress = Callable[[int, int], None]

POSTINGS_SQL = """
SELECT k.key, any_value(i.idf) AS idf, list(k.name_id ORDER BY k.name_id) AS names
FROM match_keys k JOIN match_key_idf i USING (key)
GROUP BY k.key
"""


@dataclass(frozen=True)
class EntityInfo:
    entity_id: str
    snapshot_id: int
    source: str
    source_id: str
    schema: str
    caption: str
    programs: str
    countries: frozenset[str]
    identifiers: tuple[Identifier, ...]


@dataclass(frozen=True)
class Hit:
    match: Match
    entity: EntityInfo


@dataclass
class QueryResult:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def matches(self) -> list[Hit]:
        return [h for h in self.hits if h.match.is_match]


@dataclass
class ScreeningRun:
    run_id: int | None
    started_at: datetime
    algorithm: str
    threshold: float
    snapshots: list[dict[str, Any]]
    results: list[QueryResult]


class Screener:
    """Holds the index in memory for fast, repeated screening of one workspace."""

    def __init__(self, ws: Workspace, *, algorithm: DibwatchV1 | None = None,
                 progress: Progress | None = None) -> None:
        self.ws = ws
        if not is_fresh(ws.engine):
            if not ws.engine.scalar("SELECT count(*) FROM snapshots"):
                raise NotFoundError("no lists loaded: run `dibwatch lists load` first")
            build_index(ws.engine, progress)
        state = index_state(ws.engine)
        assert state is not None
        self.state = state
        self.algorithm = algorithm or DibwatchV1(idf=idf_function(ws.engine))
        self._load()
        self._load_postings()

    def _load(self) -> None:
        eng = self.ws.engine
        self.entities: dict[str, EntityInfo] = {}
        self.by_identifier: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in eng.query("SELECT entity_id, snapshot_id, source, source_id, schema, "
                             "caption, programs, countries, identifiers FROM match_entities"):
            ids = tuple(Identifier(s, v, valid=ok) for s, v, ok in json.loads(row[8] or "[]"))
            info = EntityInfo(row[0], int(row[1]), row[2], row[3], row[4], row[5], row[6] or "",
                              frozenset(row[7] or ()), ids)
            self.entities[info.entity_id] = info
            for i in ids:
                self.by_identifier[(i.scheme, i.value)].append(info.entity_id)
        self.names: dict[int, tuple[str, CandidateName]] = {}
        self.entity_names: dict[str, list[CandidateName]] = defaultdict(list)
        for (name_id, entity_id, name, kind, tokens, plain, forms, numbers, native,
             script) in eng.query(
                "SELECT name_id, entity_id, name, kind, tokens, plain, legal_forms, numbers, "
                "native, script FROM match_names"):
            form = NameForm(name, script, tuple(tokens), tuple(plain), frozenset(forms),
                            frozenset(numbers), native)
            cname = CandidateName(name, NameKind(kind), form)
            self.names[int(name_id)] = (entity_id, cname)
            self.entity_names[entity_id].append(cname)
        self.snapshots = [
            {"snapshot_id": int(r[0]), "source": r[1], "sha256": r[2], "published_at": r[3]}
            for r in eng.query("SELECT snapshot_id, source, sha256, published_at FROM snapshots "
                               "WHERE snapshot_id IN (SELECT unnest(?::INTEGER[])) ORDER BY "
                               "source", [list(self.state.snapshot_ids)])]

    def _load_postings(self) -> None:
        # The postings live in the workspace (match_keys); screening reads them once into
        # arrays so that one query costs microseconds, not a table scan.
        self.postings: dict[str, tuple[float, np.ndarray]] = {}
        for batch in self.ws.engine.iter_batches(POSTINGS_SQL):
            keys = batch.column(0).to_pylist()
            idfs = batch.column(1).to_pylist()
            lists = batch.column(2)
            offsets = lists.offsets.to_numpy()
            values = lists.values.to_numpy(zero_copy_only=False).astype(np.int32)
            for i, key in enumerate(keys):
                self.postings[key] = (float(idfs[i]), values[offsets[i]:offsets[i + 1]])

    # -- candidates -----------------------------------------------------------------------
    def query_candidates(self, query: Query) -> list[int]:
        """The NAME_CANDIDATES list names sharing the most rarity-weighted keys with the
        query, best first."""
        keys: set[str] = set()
        for name in query.names:
            if name and name.strip():
                keys |= name_keys(analyse(name, query.schema))
        arrays = []
        weights = []
        for key in keys:
            found = self.postings.get(key)
            if found is not None:
                arrays.append(found[1])
                weights.append(np.full(len(found[1]), found[0]))
        if not arrays:
            return []
        ids = np.concatenate(arrays)
        uniq, inverse = np.unique(ids, return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate(weights))
        if len(uniq) > NAME_CANDIDATES:
            best = np.argpartition(-scores, NAME_CANDIDATES)[:NAME_CANDIDATES]
        else:
            best = np.arange(len(uniq))
        order = best[np.lexsort((uniq[best], -scores[best]))]
        return [int(x) for x in uniq[order]]

    def candidate_names(self, queries: Sequence[Query]) -> dict[int, list[int]]:
        return {i: self.query_candidates(q) for i, q in enumerate(queries)}

    def _entities_for(self, query: Query, name_ids: list[int]) -> list[str]:
        ordered: dict[str, None] = {}
        for i in query.identifiers:
            if i.valid is not False:
                ordered.update(dict.fromkeys(self.by_identifier.get((i.scheme, i.value), [])))
        for name_id in name_ids:
            ordered[self.names[name_id][0]] = None
            if len(ordered) >= ENTITY_CANDIDATES:
                break
        return list(ordered)[:ENTITY_CANDIDATES]

    def shortlist(self, query: Query, name_ids: list[int]) -> dict[str, list[CandidateName]]:
        """Entity -> its names worth the full comparison: the retrieved names of the first
        ENTITY_CANDIDATES entities, cut to SHORTLIST by rapidfuzz's token-sort ratio on the
        folded tokens; entities sharing a valid identifier with the query always stay."""
        entities = self._entities_for(query, name_ids)
        allowed = set(entities)
        pool: list[tuple[str, CandidateName]] = []
        for name_id in name_ids:
            entity_id, cname = self.names[name_id]
            if entity_id in allowed:
                pool.append((entity_id, cname))
        out: dict[str, list[CandidateName]] = defaultdict(list)
        forms = [analyse(n, query.schema) for n in query.names if n.strip()]
        if pool and forms and not forms[0].native:
            probe = " ".join(forms[0].tokens)
            # The same name often sits on several lists (SDN, CSL, EU, UN): rank distinct
            # spellings, keep every entity carrying a kept one.
            choices = {" ".join(c.form.tokens) for _, c in pool}
            # Abjad queries are vowel-less: their Latin letters are no guide to the cut-off.
            floor = 0 if forms[0].script in ABJADS else SHORTLIST_FLOOR
            ranked = process.extract(probe, choices, scorer=fuzz.token_sort_ratio,
                                     limit=SHORTLIST, score_cutoff=floor)
            kept = {choice for choice, _, _ in ranked}
            pool = [(e, c) for e, c in pool if " ".join(c.form.tokens) in kept]
        elif len(pool) > SHORTLIST:
            pool = pool[:SHORTLIST]
        for entity_id, cname in pool:
            out[entity_id].append(cname)
        for i in query.identifiers:  # an identifier match is scored whatever its name
            for entity_id in self.by_identifier.get((i.scheme, i.value), []):
                if entity_id not in out:
                    out[entity_id] = list(self.entity_names[entity_id])
        return out

    def score(self, query: Query, name_ids: list[int], top: int) -> QueryResult:
        result = QueryResult(query)
        if not any(n.strip() for n in query.names):
            result.warnings.append("empty name")
            return result
        hits: list[Hit] = []
        for entity_id, cnames in self.shortlist(query, name_ids).items():
            info = self.entities[entity_id]
            cand = Candidate(entity_id, info.schema, info.caption, tuple(cnames),
                             info.countries, info.identifiers)
            hits.append(Hit(self.algorithm.compare(query, cand), info))
        hits.sort(key=lambda h: (-h.match.score, h.entity.entity_id))
        result.hits = hits[:top]
        return result

    # -- screening --------------------------------------------------------------------------
    def screen(self, queries: Sequence[Query], *, top: int = 5, threshold: float | None = None,
               record: bool = True, origin: str | None = None,
               progress: Progress | None = None, workers: int | None = None) -> ScreeningRun:
        started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        threshold = self.algorithm.threshold if threshold is None else threshold
        results = self._score_all(list(queries), top, workers, progress)
        # A run-specific threshold re-decides is_match; matches are immutable, so replace.
        for r in results:
            r.hits = [h if (h.match.score >= threshold) == h.match.is_match else
                      Hit(replace(h.match, is_match=h.match.score >= threshold), h.entity)
                      for h in r.hits]
        run = ScreeningRun(None, started, f"{self.algorithm.name}/{self.algorithm.version}",
                           threshold, self.snapshots, results)
        if record:
            run.run_id = record_run(self.ws, run, top, origin)
        return run

    def _score_all(self, queries: list[Query], top: int, workers: int | None,
                   progress: Progress | None) -> list[QueryResult]:
        n_workers = workers if workers is not None else (os.cpu_count() or 1)
        total = len(queries)
        out: list[QueryResult] = []
        if n_workers <= 1 or total < 200 or "fork" not in \
                multiprocessing.get_all_start_methods():
            for i, q in enumerate(queries, 1):
                out.append(self.score(q, self.query_candidates(q), top))
                if progress is not None and (i % 500 == 0 or i == total):
                    progress(i, total)
            return out
        with self.ws.engine.released() as free:
            if not free:
                return self._score_all(queries, top, 1, progress)
            return self._score_forked(queries, top, n_workers, progress)

    def _score_forked(self, queries: list[Query], top: int, n_workers: int,
                      progress: Progress | None) -> list[QueryResult]:
        total = len(queries)
        out: list[QueryResult] = []
        global _ACTIVE  # read by forked workers, never written there
        _ACTIVE = self
        size = 500
        chunks = [(q, top) for q in (queries[i:i + size] for i in range(0, total, size))]
        # One pool per run; workers inherit the in-memory index by fork (copy-on-write) and
        # send back only matches and entity ids, which this process turns into hits.
        with multiprocessing.get_context("fork").Pool(n_workers) as pool:
            for start, part in zip(range(0, total, size), pool.imap(_score_job, chunks),
                                   strict=True):
                for query, (warnings, matches) in zip(queries[start:start + size], part,
                                                      strict=True):
                    hits = [Hit(m, self.entities[m.entity_id]) for m in matches]
                    out.append(QueryResult(query, hits, warnings))
                if progress is not None:
                    progress(len(out), total)
        _ACTIVE = None
        return out


_ACTIVE: Screener | None = None


def _score_job(job: tuple[list[Query], int]) -> list[tuple[list[str], list[Match]]]:
    assert _ACTIVE is not None
    queries, top = job
    out = []
    for q in queries:
        result = _ACTIVE.score(q, _ACTIVE.query_candidates(q), top)
        out.append((result.warnings, [h.match for h in result.hits]))
    return out


def record_run(ws: Workspace, run: ScreeningRun, top: int, origin: str | None) -> int:
    """Write the proof of screening: run, every query (hit or no hit), every hit shown."""
    eng = ws.engine
    with eng.transaction():
        run_id = int(eng.scalar("SELECT nextval('screening_run_seq')"))
        match_count = sum(len(r.matches) for r in run.results)
        eng.execute(
            "INSERT INTO screening_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, run.started_at, datetime.now(UTC).replace(tzinfo=None, microsecond=0),
             run.algorithm.split("/")[0], run.algorithm.split("/")[-1], run.threshold, top,
             json.dumps(run.snapshots), len(run.results), match_count, origin])
        q_rows: dict[str, list[Any]] = defaultdict(list)
        h_rows: dict[str, list[Any]] = defaultdict(list)
        for no, r in enumerate(run.results):
            q = r.query
            for col, val in (("run_id", run_id), ("query_no", no), ("name", q.name),
                             ("schema", q.schema), ("countries", ";".join(q.countries)),
                             ("identifiers", ";".join(f"{i.scheme}:{i.value}"
                                                      for i in q.identifiers)),
                             ("hit_count", len(r.matches)),
                             ("best_score", r.hits[0].match.score if r.hits else None)):
                q_rows[col].append(val)
            for rank, h in enumerate(r.hits, 1):
                for col, val in (("run_id", run_id), ("query_no", no), ("rank", rank),
                                 ("entity_id", h.entity.entity_id),
                                 ("snapshot_id", h.entity.snapshot_id),
                                 ("score", h.match.score), ("is_match", h.match.is_match),
                                 ("matched_name", h.match.matched_name),
                                 ("explanation", json.dumps(h.match.explanation(),
                                                            ensure_ascii=False))):
                    h_rows[col].append(val)
        if q_rows:
            eng.insert_arrow("screening_queries", pa.table(q_rows))
        if h_rows:
            eng.insert_arrow("screening_results", pa.table(h_rows))
    return run_id
