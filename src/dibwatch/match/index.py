"""The candidate index kept in the workspace: every name and alias of the current snapshot of
each source, analysed once, with its blocking keys and their rarity. It is rebuilt whenever
the set of current snapshots changes."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.lists import store
from dibwatch.match.algorithm import DibwatchV1
from dibwatch.match.keys import name_keys
from dibwatch.match.names import analyse
from dibwatch.model.entity import Entity
from dibwatch.model.identifiers import make_identifier

INDEX_VERSION = "9"  # bump when keys or name analysis change: stale indexes are rebuilt
# Keys shared by more of all names than this are too common to block on (the exact channel
# ``x:`` is never pruned): words 5%, consonant skeletons and classes 2%, trigrams (many per
# word) 0.5%.
MAX_SHARE = {"t": 0.05, "s": 0.02, "g": 0.005, "i": 0.01, "n": 0.05, "a": 0.02, "l": 0.02}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IndexState:
    built_at: datetime
    snapshot_ids: tuple[int, ...]
    algorithm: str
    name_count: int
    key_count: int


@lru_cache(maxsize=1)
def _analysis_fingerprint() -> str:
    """A digest of everything name analysis depends on (the modules and their tables): an
    index built by another analysis is stale even if nobody bumped INDEX_VERSION, and a
    listed name screened against it would not find itself."""
    import dibwatch.match as match_pkg
    import dibwatch.text as text_pkg

    digest = hashlib.sha1()
    for pkg, names in ((text_pkg, ("translit.py", "fold.py", "legal_forms.py", "org_kinds.py",
                                   "name_parts.py", "vocab.py", "arabic_loans.py")),
                       (match_pkg, ("names.py", "keys.py"))):
        folder = Path(pkg.__file__ or "").parent
        for name in names:
            digest.update((folder / name).read_bytes())
        for path in sorted((folder / "data").glob("*")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _index_label() -> str:
    return (f"{DibwatchV1.name}/{DibwatchV1.version}/index-{INDEX_VERSION}/"
            f"{_analysis_fingerprint()}")


def current_snapshot_ids(engine: Engine) -> tuple[int, ...]:
    return tuple(sorted(s.snapshot_id for s in store.latest_snapshots(engine)))


def index_state(engine: Engine) -> IndexState | None:
    rows = engine.query("SELECT built_at, snapshot_ids, algorithm, name_count, key_count "
                        "FROM match_index_state ORDER BY built_at DESC LIMIT 1")
    if not rows:
        return None
    built, ids, algo, names, keys = rows[0]
    return IndexState(built, tuple(json.loads(ids)), str(algo), int(names), int(keys))


def is_fresh(engine: Engine) -> bool:
    state = index_state(engine)
    return (state is not None and state.snapshot_ids == current_snapshot_ids(engine)
            and state.algorithm == _index_label())


def _entity_row(e: Entity, snapshot_id: int) -> dict[str, object]:
    programs = sorted({p for s in e.sanctions for p in (s.list_name, s.program) if p})
    identifiers = [[i.scheme, i.value, i.valid] for i in e.identifiers]
    for sign in e.extra.get("callSign", []):
        ident = make_identifier("CALL_SIGN", sign)
        identifiers.append([ident.scheme, ident.value, ident.valid])
    return {
        "entity_id": e.id, "snapshot_id": snapshot_id, "source": e.source,
        "source_id": e.source_id, "schema": e.schema, "caption": e.caption,
        "countries": sorted({c.code.lower() for c in e.countries}
                            | {a.country.lower() for a in e.addresses if a.country}),
        "identifiers": json.dumps(identifiers),
        "programs": "; ".join(programs),
        "flags": sorted({f.lower() for f in e.extra.get("flag", []) if len(f) == 2}),
    }


def build_index(engine: Engine, progress: Progress | None = None) -> IndexState:
    """(Re)build the index over the current snapshot of every source, in one transaction."""
    snapshot_ids = list(current_snapshot_ids(engine))
    total = int(engine.scalar(
        "SELECT coalesce(sum(entity_count), 0) FROM snapshots WHERE snapshot_id IN "
        f"({', '.join('?' for _ in snapshot_ids)})", snapshot_ids)) if snapshot_ids else 0
    entities: list[dict[str, object]] = []
    names: dict[str, list[object]] = {k: [] for k in (
        "name_id", "entity_id", "name", "kind", "tokens", "plain", "legal_forms", "numbers",
        "native", "script")}
    key_rows: dict[str, list[object]] = {"key": [], "name_id": []}
    name_id = 0
    done = 0
    for snapshot_id in snapshot_ids:
        for entity in store.iter_entities(engine, [snapshot_id]):
            done += 1
            if not _screenable(entity):
                continue
            entities.append(_entity_row(entity, snapshot_id))
            seen: set[str] = set()
            for n in entity.names:
                if n.value in seen:
                    continue
                seen.add(n.value)
                form = analyse(n.value, entity.schema)
                if form.empty:
                    continue
                name_id += 1
                for col, val in (("name_id", name_id), ("entity_id", entity.id),
                                 ("name", n.value), ("kind", n.kind.value),
                                 ("tokens", list(form.tokens)), ("plain", list(form.plain)),
                                 ("legal_forms", sorted(form.legal_forms)),
                                 ("numbers", sorted(form.numbers)), ("native", form.native),
                                 ("script", form.script)):
                    names[col].append(val)
                for key in name_keys(form):
                    key_rows["key"].append(key)
                    key_rows["name_id"].append(name_id)
            if progress is not None and done % 1000 == 0:
                progress(done, total)
    with engine.transaction():
        for table in ("match_entities", "match_names", "match_keys", "match_key_idf",
                      "match_index_state"):
            engine.execute(f"DELETE FROM {table}")
        if entities:
            engine.insert_arrow("match_entities", pa.Table.from_pylist(entities))
            engine.insert_arrow("match_names", pa.table(names))
            engine.insert_arrow("match_keys", pa.table(key_rows))
        n_names = max(name_id, 1)
        engine.execute(
            "INSERT INTO match_key_idf SELECT key, count(*) AS df, ln(? / count(*)) AS idf "
            "FROM match_keys GROUP BY key", [float(n_names) + 1.0])
        # Drop postings of keys too common to discriminate ("g:ing", "t:trading"…).
        for kind, share in MAX_SHARE.items():
            engine.execute("DELETE FROM match_keys WHERE key IN (SELECT key FROM "
                           "match_key_idf WHERE key LIKE ? AND df > ?)",
                           [f"{kind}:%", max(50, int(n_names * share))])
        key_count = int(engine.scalar("SELECT count(*) FROM match_keys"))
        state = IndexState(datetime.now(UTC).replace(tzinfo=None, microsecond=0),
                           tuple(snapshot_ids), _index_label(),
                           name_id, key_count)
        engine.execute("INSERT INTO match_index_state VALUES (?, ?, ?, ?, ?)",
                       [state.built_at, json.dumps(list(state.snapshot_ids)), state.algorithm,
                        state.name_count, state.key_count])
    if progress is not None:
        progress(total, total)
    return state


def _screenable(entity: Entity) -> bool:
    # FtM imports carry Ownership, Address, Sanction… entities: only things with names screen.
    return entity.schema in ("Person", "Company", "Organization", "LegalEntity", "Vessel",
                             "Airplane") and bool(entity.names)


class TokenRarity:
    """Token rarity factor for the scorer: full weight for rare tokens, down to 0.3 for
    tokens found in a large share of list names. A class, not a closure: screening workers
    started afresh receive it pickled."""

    def __init__(self, names: float, df: dict[str, int]) -> None:
        self.names = names
        self.df = df
        self.full = math.log(names / 5.0) if names > 5 else 1.0

    def __call__(self, token: str) -> float:
        d = self.df.get(token)
        if d is None or self.full <= 0:
            return 1.0
        return max(0.3, min(1.0, math.log(self.names / d) / self.full))

    def unseen(self, token: str) -> bool:
        """No list name has the folded token."""
        return token not in self.df


def idf_function(engine: Engine) -> TokenRarity:
    """The :class:`TokenRarity` of the workspace's index."""
    n = float(engine.scalar("SELECT coalesce(max(name_count), 1) FROM match_index_state") or 1)
    rows = engine.query("SELECT substr(key, 3), df FROM match_key_idf WHERE key LIKE 't:%'")
    return TokenRarity(n, {str(k): int(v) for k, v in rows})
