"""Screening queries against the index: candidates from several independent keys, scoring in
Python (on every core), and a proof-of-screening record of each run.

Retrieval (``candidates``) is measured apart from scoring (``benchmarks/screening_quality.py``):
the entities handed to the scorer are, in this order, those sharing a valid identifier with
the query, those with a name exactly the query's (the exact channel: however common its
words), and the ENTITY_CANDIDATES best by rarity-weighted key similarity (``keys.py``).
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import zip_longest
from typing import Any

import numpy as np
import pyarrow as pa
from rapidfuzz.distance import OSA

from dibwatch.engine import Engine
from dibwatch.errors import NotFoundError
from dibwatch.match.algorithm import (
    Candidate,
    CandidateName,
    DibwatchV1,
    Match,
    Query,
    identifier_key,
)
from dibwatch.match.index import build_index, idf_function, index_state, is_fresh
from dibwatch.match.keys import (
    ABJAD_SCRIPTS,
    KEY_WEIGHTS,
    abjad_keys,
    exact_key,
    loan_keys,
    name_keys,
)
from dibwatch.match.names import PERSON, NameForm, analyse
from dibwatch.model.entity import Identifier, NameKind
from dibwatch.text.edits import one_letter_deletions
from dibwatch.text.slips import read_slips
from dibwatch.workspace import Workspace

NAME_CANDIDATES = 60  # list names ranked by key similarity and kept
ENTITY_CANDIDATES = 12  # entities scored per query, beside exact-name and identifier ones
NAMES_PER_ENTITY = 3  # of an entity's names, the best-ranked are scored
EXACT_LIMIT = 50  # entities one exact name may bring (a very common name on many lists)
FUZZY_LENGTHS = (5, 14)  # words this long also find listed words one edit away
FUZZY_WEIGHT = 0.8  # a word one edit away counts this much of an equal one
RELATIVE_FLOOR = 0.4  # names ranked below this share of the best one's similarity are dropped
RARE_NAMES = 6  # a query word that at most this many list names have brings them all
ENGINE_CHUNK = 2000  # queries per task on a batch engine: seconds of work, few tasks
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
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Retrieved:
    """What retrieval found for a query: list name ids, best first (exact ones first)."""

    names: list[int]
    exact: frozenset[int]
    entity_limit: int = 0  # ranked entities to score (0: ENTITY_CANDIDATES)
    rare: frozenset[int] = frozenset()  # names sharing a rare word: scored past the limit


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
    """Holds the index in memory for fast, repeated screening of one workspace. After
    construction it is read-only: one instance serves many threads."""

    def __init__(self, ws: Workspace, *, algorithm: DibwatchV1 | None = None,
                 progress: Progress | None = None,
                 names: Callable[[CandidateName], bool] | None = None) -> None:
        """``names`` keeps only the list names it accepts (the benchmarks screen against the
        Latin-script names alone, to measure cross-script matching)."""
        self.ws = ws
        self._keep = names
        if not is_fresh(ws.engine):
            if not ws.engine.scalar("SELECT count(*) FROM snapshots"):
                raise NotFoundError("no lists loaded: run `dibwatch lists load` first")
            build_index(ws.engine, progress)
        state = index_state(ws.engine)
        assert state is not None
        self.state = state
        if algorithm is None:
            rarity = idf_function(ws.engine)
            algorithm = DibwatchV1(idf=rarity, unseen=rarity.unseen)
        self.algorithm = algorithm
        self._load()
        self._load_postings()
        # The index is millions of long-lived objects: every full collection of the cyclic
        # GC walked them all (a fifth of screening time). Frozen, they are left out of it;
        # reference counting still frees them when the screener goes.
        gc.freeze()

    def _load(self) -> None:
        eng = self.ws.engine
        self.entities: dict[str, EntityInfo] = {}
        self.by_identifier: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in eng.query("SELECT entity_id, snapshot_id, source, source_id, schema, "
                             "caption, programs, countries, identifiers, flags "
                             "FROM match_entities"):
            ids = tuple(Identifier(s, v, valid=ok) for s, v, ok in json.loads(row[8] or "[]"))
            info = EntityInfo(row[0], int(row[1]), row[2], row[3], row[4], row[5], row[6] or "",
                              frozenset(row[7] or ()), ids, frozenset(row[9] or ()))
            self.entities[info.entity_id] = info
            for i in ids:
                self.by_identifier[identifier_key(i)].append(info.entity_id)
        self.names: dict[int, tuple[str, CandidateName]] = {}
        self.entity_names: dict[str, list[CandidateName]] = defaultdict(list)
        for (name_id, entity_id, name, kind, tokens, plain, forms, numbers, native,
             script) in eng.query(
                "SELECT name_id, entity_id, name, kind, tokens, plain, legal_forms, numbers, "
                "native, script FROM match_names"):
            form = NameForm(name, script, tuple(tokens), tuple(plain), frozenset(forms),
                            frozenset(numbers), native)
            cname = CandidateName(name, NameKind(kind), form)
            if self._keep is not None and not self._keep(cname):
                continue
            self.names[int(name_id)] = (entity_id, cname)
            self.entity_names[entity_id].append(cname)
        self.snapshots = [
            {"snapshot_id": int(r[0]), "source": r[1], "sha256": r[2], "published_at": r[3]}
            for r in eng.query("SELECT snapshot_id, source, sha256, published_at FROM snapshots "
                               "WHERE snapshot_id IN (SELECT unnest(?::INTEGER[])) ORDER BY "
                               "source", [list(self.state.snapshot_ids)])]

    def _load_postings(self) -> None:
        # The postings live in the workspace (match_keys); screening reads them once into
        # arrays so that one query costs microseconds, not a table scan. Each name's norm
        # (the weight of all its keys) makes the similarity a cosine.
        self.postings: dict[str, tuple[float, np.ndarray]] = {}
        self.exact: dict[str, np.ndarray] = {}
        self.abjad_postings: dict[str, tuple[float, np.ndarray]] = {}
        self.loan_postings: dict[str, tuple[float, np.ndarray]] = {}
        kept = np.fromiter(self.names, dtype=np.int32)
        norms = np.zeros(max(self.names, default=0) + 1)
        abjad_norms = np.zeros(len(norms))
        loan_norms = np.zeros(len(norms))
        for batch in self.ws.engine.iter_batches(POSTINGS_SQL):
            keys = batch.column(0).to_pylist()
            idfs = batch.column(1).to_pylist()
            lists = batch.column(2)
            offsets = lists.offsets.to_numpy()
            values = lists.values.to_numpy(zero_copy_only=False).astype(np.int32)
            for i, key in enumerate(keys):
                postings = values[offsets[i]:offsets[i + 1]]
                if self._keep is not None:
                    postings = postings[np.isin(postings, kept)]
                if not len(postings):
                    continue
                if key.startswith("x:"):
                    self.exact[key] = postings
                    continue
                weight = float(idfs[i]) * KEY_WEIGHTS[key[0]]
                if key.startswith("a:"):
                    self.abjad_postings[key] = (weight, postings)
                    abjad_norms[postings] += weight
                    continue
                if key.startswith("l:"):
                    self.loan_postings[key] = (weight, postings)
                    loan_norms[postings] += weight
                    continue
                self.postings[key] = (weight, postings)
                norms[postings] += weight
        self.norms = norms
        self.abjad_norms = abjad_norms
        self.loan_norms = loan_norms
        # The deletion dictionary (SymSpell): each listed word of FUZZY_LENGTHS letters under
        # itself and every one-letter deletion of it, so that a query word finds the listed
        # words one edit away ("semvash" -> "sevmash") in a few lookups.
        deletes: dict[str, list[str]] = defaultdict(list)
        self.known = frozenset(t for _, c in self.names.values() for t in c.form.tokens)
        vocabulary = {t for t in self.known if FUZZY_LENGTHS[0] <= len(t) <= FUZZY_LENGTHS[1]
                      and "t:" + t in self.postings}
        for token in vocabulary:
            for variant in (token, *one_letter_deletions(token)):
                deletes[variant].append(token)
        self.deletes = dict(deletes)
        # And the listed words as written, where folding changed them: folding reads a
        # letter by its neighbours (c before e is ts, before r k), so a typo beside it
        # scatters the folded word ("cecrp" -> tsekrp, CECEP -> tsetsep) while the words as
        # written stay one edit apart.
        spelt: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for p, t in {(p, t) for _, c in self.names.values()
                     for t, p in zip(c.form.tokens, c.form.plain, strict=True)
                     if p != t and t in vocabulary and p.isalpha()}:
            for variant in (p, *one_letter_deletions(p)):
                spelt[variant].append((p, t))
        self.spelt_deletes = dict(spelt)

    # -- candidates -----------------------------------------------------------------------
    def retrieve(self, query: Query) -> Retrieved:
        """List names for ``query``: every name whose exact key is the query's, and the
        NAME_CANDIDATES names most similar by weighted keys (cosine), best first, down to
        RELATIVE_FLOOR of the best. A query in Arabic, Persian or Hebrew script is also
        ranked on the ``a:`` channel (Latin names by consonant class), and one in Arabic
        script, not a person's, on the ``l:`` channel too (English words as Arabic letters
        write them); the rankings are interleaved and ENTITY_CANDIDATES entities scored for
        each. Last, every name with a word of the query that at most RARE_NAMES names have:
        scored even past the ranked limit (``Retrieved.rare``)."""
        keys: dict[str, float] = {}
        abjad: set[str] = set()
        loan: set[str] = set()
        exact: list[int] = []
        rare: list[int] = []
        for name in self._retrieval_names(query):
            form = analyse(name, query.schema)
            unknown = [t for t in form.tokens if t not in self.known]
            for token in form.tokens:
                # A word few names have is the query's best clue, whatever the other words
                # pull up: "Shenzhen Yilufa Technology" must reach YILUFA ELECTRONICS past
                # the many Shenzhen ... Technology names that share two words with it.
                found = self.postings.get("t:" + token)
                if found is not None and len(found[1]) <= RARE_NAMES:
                    rare.extend(found[1].tolist())
            for key in name_keys(form, grams=unknown):
                keys[key] = 1.0
            for token, plain in zip(form.tokens, form.plain, strict=True):
                if token in self.known:
                    continue
                # a word no list has: maybe a typo of one that has it
                for near in self._near(token) | self._near_spelt(plain):
                    keys.setdefault("t:" + near, FUZZY_WEIGHT)
            if form.script in ABJAD_SCRIPTS:
                abjad |= abjad_keys(form.tokens)
            if form.script == "Arabic" and query.schema != "Person":
                loan |= loan_keys(form.plain, arabic=True)  # a firm's English name
            xkey = exact_key(form)
            if xkey is not None and xkey in self.exact:
                exact.extend(int(i) for i in self.exact[xkey])
        ranked = self._rank(keys, self.postings, self.norms)
        if not abjad:
            return Retrieved(list(dict.fromkeys([*exact, *ranked, *rare])), frozenset(exact),
                             rare=frozenset(rare))
        rankings = [self._rank(dict.fromkeys(abjad, 1.0), self.abjad_postings,
                               self.abjad_norms), ranked]
        if loan:
            rankings.append(self._rank(dict.fromkeys(loan, 1.0), self.loan_postings,
                                       self.loan_norms))
        merged = [n for row in zip_longest(*rankings) for n in row if n is not None]
        return Retrieved(list(dict.fromkeys([*exact, *merged, *rare])), frozenset(exact),
                         len(rankings) * ENTITY_CANDIDATES, frozenset(rare))

    @staticmethod
    def _rank(keys: dict[str, float], postings: dict[str, tuple[float, np.ndarray]],
              norms: np.ndarray) -> list[int]:
        arrays = []
        weights = []
        for key, factor in keys.items():
            found = postings.get(key)
            if found is not None:
                arrays.append(found[1])
                weights.append(found[0] * factor)
        if not arrays:
            return []
        ids = np.concatenate(arrays)
        qnorm = sum(weights)
        per_id = np.repeat(np.array(weights), [len(a) for a in arrays])
        # Summed per name: a stable sort keeps each name's weights in their order, so the
        # sums (and ties between names) are what np.unique + bincount gave, in 2/3 the time.
        order = np.argsort(ids, kind="stable")
        ids, per_id = ids[order], per_id[order]
        first = np.empty(len(ids), dtype=bool)
        first[0] = True
        np.not_equal(ids[1:], ids[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        hit = ids[starts]
        shared = np.add.reduceat(per_id, starts)
        sim = shared / np.sqrt(qnorm * norms[hit])
        if len(hit) > NAME_CANDIDATES:
            best = np.argpartition(-sim, NAME_CANDIDATES)[:NAME_CANDIDATES]
            hit, sim = hit[best], sim[best]
        keep = sim >= RELATIVE_FLOOR * sim.max()
        hit, sim = hit[keep], sim[keep]
        order = np.lexsort((hit, -sim))
        ranked: list[int] = hit[order].tolist()
        return ranked

    def _retrieval_names(self, query: Query) -> list[str]:
        """The query's names, and an organisation's read with its mistyped table words read
        as the words (``read_slips``): "Research and Production Rnterprise Topaz" must find
        NPP TOPAZ as the scorer will read it."""
        names = list(query.variants)
        if query.schema != PERSON:
            names += [read[0] for name in query.variants
                      if (read := read_slips(name, self._unknown)) is not None]
        return names

    def _unknown(self, token: str) -> bool:
        return token not in self.known

    def _near_spelt(self, plain: str) -> set[str]:
        """The folded listed words whose spelling as written is one edit from ``plain``."""
        if not plain.isalpha() or not FUZZY_LENGTHS[0] - 1 <= len(plain) <= \
                FUZZY_LENGTHS[1] + 1:
            return set()
        return {t for v in (plain, *one_letter_deletions(plain))
                for p, t in self.spelt_deletes.get(v, ())
                if OSA.distance(p, plain, score_cutoff=1) <= 1}

    def _near(self, token: str) -> set[str]:
        """Listed words one edit (OSA) from ``token``, other than itself."""
        if not FUZZY_LENGTHS[0] - 1 <= len(token) <= FUZZY_LENGTHS[1] + 1:
            return set()
        found = {t for v in (token, *one_letter_deletions(token)) for t in self.deletes.get(v, ())}
        found.discard(token)
        return {t for t in found if OSA.distance(t, token, score_cutoff=1) <= 1}

    def candidates(self, query: Query, retrieved: Retrieved | None = None
                   ) -> dict[str, list[CandidateName]]:
        """The entities, with the names, that the scorer compares ``query`` with: those
        sharing an identifier with it (all their names), those with a name exactly the
        query's, then the ENTITY_CANDIDATES best-ranked, each with its best-ranked names."""
        if retrieved is None:
            retrieved = self.retrieve(query)
        out: dict[str, list[CandidateName]] = {}
        for i in query.identifiers:
            for entity_id in self.by_identifier.get(identifier_key(i), []):
                out.setdefault(entity_id, list(self.entity_names[entity_id]))
        ranked = 0
        for name_id in retrieved.names:
            entity_id, cname = self.names[name_id]
            names = out.get(entity_id)
            if names is None:
                is_exact = name_id in retrieved.exact
                if not is_exact and ranked >= (retrieved.entity_limit or ENTITY_CANDIDATES) \
                        and name_id not in retrieved.rare:
                    continue
                if is_exact and len(out) >= EXACT_LIMIT + ENTITY_CANDIDATES:
                    continue
                ranked += not is_exact
                out[entity_id] = [cname]
            elif (len(names) < NAMES_PER_ENTITY or name_id in retrieved.exact) and \
                    cname not in names:
                names.append(cname)  # every name with the query's words, whatever its form
        return out

    def score(self, query: Query, top: int, retrieved: Retrieved | None = None
              ) -> QueryResult:
        result = QueryResult(query)
        if not any(n.strip() for n in query.names):
            result.warnings.append("empty name")
            return result
        hits: list[Hit] = []
        for entity_id, cnames in self.candidates(query, retrieved).items():
            info = self.entities[entity_id]
            cand = Candidate(entity_id, info.schema, info.caption, tuple(cnames),
                             info.countries, info.identifiers, info.flags)
            hits.append(Hit(self.algorithm.compare(query, cand), info))
        hits.sort(key=lambda h: (-h.match.score, h.entity.entity_id))
        result.hits = hits[:top]
        return result

    # -- screening --------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        # Sent to a batch engine's workers: the index, not the workspace connection.
        return {k: v for k, v in self.__dict__.items() if k != "ws"}

    def screen(self, queries: Sequence[Query], *, top: int = 5, threshold: float | None = None,
               record: bool = True, origin: str | None = None,
               progress: Progress | None = None, workers: int | None = None,
               engine: Engine | None = None, spawn: bool = False) -> ScreeningRun:
        """Screen ``queries``; with ``engine`` (Spark) the scoring runs on its workers, the
        index broadcast to each. Otherwise on ``workers`` processes (default: one per core),
        forked from this one, or with ``spawn`` started afresh and sent the index: for a
        process holding other libraries' database handles, which a fork can break."""
        started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        threshold = self.algorithm.threshold if threshold is None else threshold
        results = (self._score_all(list(queries), top, workers, progress, spawn) if engine is None
                   else self._score_on(engine, list(queries), top, progress))
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
                   progress: Progress | None, spawn: bool = False) -> list[QueryResult]:
        n_workers = workers if workers is not None else (os.cpu_count() or 1)
        total = len(queries)
        out: list[QueryResult] = []
        if spawn and n_workers > 1 and total >= SPAWN_MIN:
            return self._score_pool(queries, top, n_workers, progress, "spawn")
        if n_workers <= 1 or total < 200 or "fork" not in \
                multiprocessing.get_all_start_methods():
            # A batch only: the server's /match requests (100 queries at most) overlap, and
            # pausing for each could keep the collector off for as long as the load lasts.
            with cyclic_gc_paused() if total >= 200 else nullcontext():
                for i, q in enumerate(queries, 1):
                    out.append(self.score(q, top))
                    if progress is not None and (i % 500 == 0 or i == total):
                        progress(i, total)
            return out
        with self.ws.engine.released() as free:
            if not free:
                return self._score_all(queries, top, 1, progress)
            return self._score_pool(queries, top, n_workers, progress, "fork")

    def _score_on(self, engine: Engine, queries: list[Query], top: int,
                  progress: Progress | None) -> list[QueryResult]:
        size = ENGINE_CHUNK
        parts = engine.map_chunks(_score_chunk, self, [
            (queries[i:i + size], top) for i in range(0, len(queries), size)])
        out = [QueryResult(query, [Hit(m, self.entities[m.entity_id]) for m in matches],
                           warnings)
               for query, (warnings, matches) in zip(
                   queries, (r for part in parts for r in part), strict=True)]
        if progress is not None:
            progress(len(out), len(out))
        return out

    def _score_pool(self, queries: list[Query], top: int, n_workers: int,
                    progress: Progress | None, method: str) -> list[QueryResult]:
        total = len(queries)
        out: list[QueryResult] = []
        global _ACTIVE  # read by forked workers, never written there
        _ACTIVE = self
        size = 500
        chunks = [(q, top) for q in (queries[i:i + size] for i in range(0, total, size))]
        # One pool per run; forked workers inherit the in-memory index (copy-on-write),
        # spawned ones receive it once; they send back only matches and entity ids, which
        # this process turns into hits. A worker that dies breaks the pool with an error
        # (multiprocessing.Pool would wait for it forever).
        context = multiprocessing.get_context(method)
        pool = (ProcessPoolExecutor(n_workers, mp_context=context) if method == "fork" else
                ProcessPoolExecutor(n_workers, mp_context=context, initializer=_install,
                                    initargs=(self,)))
        with pool:
            parts = pool.map(_score_job, chunks)  # the workers start here, the GC still on
            with cyclic_gc_paused():
                for start, part in zip(range(0, total, size), parts, strict=True):
                    for query, (warnings, matches) in zip(queries[start:start + size], part,
                                                          strict=True):
                        hits = [Hit(m, self.entities[m.entity_id]) for m in matches]
                        out.append(QueryResult(query, hits, warnings))
                    if progress is not None:
                        progress(len(out), total)
        _ACTIVE = None
        return out


_ACTIVE: Screener | None = None
SPAWN_MIN = 5_000  # fewer queries than this: starting processes costs more than it saves


def _install(screener: Screener) -> None:
    global _ACTIVE
    _ACTIVE = screener


def _score_job(job: tuple[list[Query], int]) -> list[tuple[list[str], list[Match]]]:
    assert _ACTIVE is not None
    return _score_chunk(_ACTIVE, job)


def _score_chunk(screener: Screener, job: tuple[list[Query], int]
                 ) -> list[tuple[list[str], list[Match]]]:
    queries, top = job
    out = []
    with cyclic_gc_paused():
        for q in queries:
            result = screener.score(q, top)
            out.append((result.warnings, [h.match for h in result.hits]))
    return out


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Scoring a batch makes no reference cycles (a test holds it to that) but hundreds of
    thousands of small objects that live until the batch is returned, and each of the cyclic
    GC's collections walked them again: an eighth of batch time. Reference counting frees
    them either way. The collector is process-wide: paused while any thread is in here,
    restored (if it was on) when the last one leaves."""
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


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
