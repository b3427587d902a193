"""The monitor's check: compare the workspace now with what it was at the last check and
raise alerts for what changed.

The first check (or :func:`prepare`) only records a baseline: which firms and watched
parties match which list entities, which party mentions exist, the newest risk run. Later
checks raise:

* ``firm_designated`` / ``counterparty_designated`` — a firm newly matches a list entity (a
  pair absent from the baseline, or present with another content hash); each of its trade
  partners gets a counterparty alert;
* ``watched_party_match`` — a watched party newly matches;
* ``score_crossed`` — a firm's score went from under ``score_threshold`` to at or over it
  between the two newest risk runs;
* ``new_firm_at_flagged_address`` — a firm none of whose party mentions existed at the last
  check uses a normalised address of a flagged firm (matched, confirmed, or scored at or
  over the threshold).

Pairs an analyst dismissed are not raised again while the list entry is unchanged. Each alert
has a dedupe key, so the same fact is stored (and sent to the webhook) once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dibwatch.casework.cases import confirmed_links, decisions_in_force
from dibwatch.casework.state import AppState, now
from dibwatch.match.screen import Screener
from dibwatch.monitor import queries
from dibwatch.monitor.alerts import Alert, store
from dibwatch.monitor.watch import list_watched
from dibwatch.resolve.read import trade_partners
from dibwatch.resolve.screening import firm_queries
from dibwatch.risk.read import recent_runs
from dibwatch.workspace import Workspace

BASELINE_KEY = "baseline_at"
RISK_RUN_KEY = "risk_run"


@dataclass(frozen=True)
class MonitorSettings:
    """Where alerts go and when a score counts as high."""

    webhook_url: str | None = None
    score_threshold: float = 0.5
    retries: int = 4
    backoff_seconds: float = 0.5
    timeout_seconds: float = 5.0


@dataclass(frozen=True)
class Snapshot:
    """What the monitor compares between checks."""

    matches: dict[tuple[str, str], tuple[str, float]]  # (subject, entity) -> (hash, score)
    mentions: dict[str, int]  # mention key -> firm id
    addresses: dict[int, set[str]]  # firm id -> normalised addresses
    risk_run: int | None


def _has_firms(ws: Workspace) -> bool:
    return bool(ws.engine.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'firms'")) and \
        bool(ws.engine.scalar("SELECT count(*) FROM firms"))


def observe(ws: Workspace, state: AppState, screener: Screener | None = None, *,
            workers: int | None = 1) -> Snapshot:
    """Screen every firm and watched party against the current lists; read mentions and the
    newest risk run."""
    matches: dict[tuple[str, str], tuple[str, float]] = {}
    mentions: dict[str, int] = {}
    addresses: dict[int, set[str]] = defaultdict(set)
    if ws.engine.scalar("SELECT count(*) FROM snapshots"):
        screener = screener or Screener(ws)
        firm_ids, firm_qs = firm_queries(ws) if _has_firms(ws) else ([], [])
        watched = list_watched(state)
        subjects = [f"firm:{f}" for f in firm_ids] + [f"watch:{w.watch_id}" for w in watched]
        run = screener.screen([*firm_qs, *(w.query() for w in watched)], top=5,
                              origin="monitor", workers=workers)
        hashes = {r[0]: r[1] for r in ws.engine.query(
            queries.CONTENT_HASHES, [list(screener.state.snapshot_ids)])}
        for subject, result in zip(subjects, run.results, strict=True):
            for hit in result.matches:
                eid = hit.entity.entity_id
                matches[(subject, eid)] = (hashes.get(eid, ""), hit.match.score)
    if _has_firms(ws):
        for firm_id, key, address in ws.engine.query(queries.MENTIONS):
            mentions[str(key)] = int(firm_id)
            if address:
                addresses[int(firm_id)].add(str(address))
    runs = recent_runs(ws.engine, 2)
    return Snapshot(matches, mentions, dict(addresses), runs[0] if runs else None)


def _baseline(state: AppState) -> tuple[bool, dict[tuple[str, str], str], set[str],
                                         int | None]:
    with state.connect() as con:
        meta = {r["key"]: r["value"] for r in con.execute("SELECT * FROM monitor_meta")}
        pairs = {(r["subject"], r["entity_id"]): r["content_hash"]
                 for r in con.execute("SELECT * FROM monitor_matches")}
        keys = {r[0] for r in con.execute("SELECT mention_key FROM monitor_mentions")}
    run = meta.get(RISK_RUN_KEY)
    return BASELINE_KEY in meta, pairs, keys, (int(run) if run else None)


def _save(state: AppState, snap: Snapshot) -> None:
    with state.transaction() as con:
        con.execute("DELETE FROM monitor_matches")
        con.executemany("INSERT INTO monitor_matches VALUES (?, ?, ?, ?)",
                        [(s, e, h, sc) for (s, e), (h, sc) in snap.matches.items()])
        con.execute("DELETE FROM monitor_mentions")
        con.executemany("INSERT INTO monitor_mentions VALUES (?)",
                        [(k,) for k in snap.mentions])
        con.execute("INSERT OR REPLACE INTO monitor_meta VALUES (?, ?)", [BASELINE_KEY, now()])
        if snap.risk_run is not None:
            con.execute("INSERT OR REPLACE INTO monitor_meta VALUES (?, ?)",
                        [RISK_RUN_KEY, str(snap.risk_run)])


def prepare(ws: Workspace, state: AppState, screener: Screener | None = None, *,
            workers: int | None = 1) -> bool:
    """Record a baseline when none exists (call before a load); True when one was taken."""
    if _baseline(state)[0]:
        return False
    _save(state, observe(ws, state, screener, workers=workers))
    return True


def _captions(ws: Workspace) -> dict[int, str]:
    if not _has_firms(ws):
        return {}
    return {int(r[0]): str(r[1]) for r in ws.engine.query(queries.FIRM_CAPTIONS)}


def _designation_alerts(ws: Workspace, state: AppState, snap: Snapshot,
                        before: dict[tuple[str, str], str]) -> list[Alert]:
    decided = decisions_in_force(state)
    captions = _captions(ws)
    index = {str(r[0]): (str(r[1]), str(r[2])) for r in ws.engine.query(
        "SELECT entity_id, caption, source FROM match_entities")}
    new_firms: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    alerts: list[Alert] = []
    for (subject, entity_id), (content_hash, score) in sorted(snap.matches.items()):
        if before.get((subject, entity_id)) == content_hash:
            continue
        kind, _, raw_id = subject.partition(":")
        caption, source = index.get(entity_id, (entity_id, ""))
        if kind == "firm":
            firm_id = int(raw_id)
            decision = decided.get((firm_id, entity_id))
            if decision is not None and decision.suppresses(content_hash):
                continue
            new_firms[firm_id].append((entity_id, content_hash, score))
            alerts.append(Alert(
                "firm_designated", f"firm:{firm_id}:{entity_id}:{content_hash}",
                f"{captions.get(firm_id, firm_id)} now matches {caption} ({source})",
                firm_id, entity_id, {"score": round(score, 4), "source": source,
                                     "content_hash": content_hash}))
        else:
            alerts.append(Alert(
                "watched_party_match", f"watch:{raw_id}:{entity_id}:{content_hash}",
                f"watched party #{raw_id} now matches {caption} ({source})", None, entity_id,
                {"watch_id": int(raw_id), "score": round(score, 4), "source": source,
                 "content_hash": content_hash}))
    if new_firms:
        for firm_id, partner_id in trade_partners(ws.engine, sorted(new_firms)):
            for entity_id, content_hash, score in new_firms[int(firm_id)]:
                caption, source = index.get(entity_id, (entity_id, ""))
                alerts.append(Alert(
                    "counterparty_designated",
                    f"counterparty:{partner_id}:{firm_id}:{entity_id}:{content_hash}",
                    f"{captions.get(int(partner_id), partner_id)}: its trade partner "
                    f"{captions.get(int(firm_id), firm_id)} now matches {caption} "
                    f"({source})",
                    int(partner_id), entity_id,
                    {"partner_firm_id": int(firm_id), "score": round(score, 4),
                     "source": source, "content_hash": content_hash}))
    return alerts


def _score_alerts(ws: Workspace, settings: MonitorSettings, last_run: int | None
                  ) -> list[Alert]:
    runs = recent_runs(ws.engine, 2)
    if len(runs) < 2 or runs[0] == last_run:
        return []
    new, old = runs[0], runs[1]
    return [Alert("score_crossed", f"score:{firm_id}:{new}",
                  f"{caption}: risk score {old_score:.2f} → {new_score:.2f}", int(firm_id),
                  None, {"old_run": old, "new_run": new, "old_score": round(old_score, 4),
                         "new_score": round(new_score, 4),
                         "threshold": settings.score_threshold})
            for firm_id, caption, old_score, new_score in ws.engine.query(
                queries.SCORE_CROSSINGS,
                {"previous": old, "current": new, "threshold": settings.score_threshold})]


def _address_alerts(ws: Workspace, state: AppState, snap: Snapshot, known: set[str],
                    settings: MonitorSettings) -> list[Alert]:
    flagged = {int(s.partition(":")[2]) for s, _ in snap.matches if s.startswith("firm:")}
    flagged |= {firm_id for firm_id, _ in confirmed_links(state)}
    if snap.risk_run is not None:
        flagged |= {int(r[0]) for r in ws.engine.query(
            queries.HIGH_SCORES, [snap.risk_run, settings.score_threshold])}
    flagged_addresses: dict[str, int] = {}
    for firm_id in sorted(flagged):
        for address in snap.addresses.get(firm_id, ()):
            flagged_addresses.setdefault(address, firm_id)
    by_firm: dict[int, list[str]] = defaultdict(list)
    for key, firm_id in snap.mentions.items():
        by_firm[firm_id].append(key)
    new_firms = {f for f, keys in by_firm.items() if not any(k in known for k in keys)}
    captions = _captions(ws)
    alerts = []
    for firm_id in sorted(new_firms - flagged):
        for address in sorted(snap.addresses.get(firm_id, ())):
            if address in flagged_addresses:
                other = flagged_addresses[address]
                alerts.append(Alert(
                    "new_firm_at_flagged_address", f"address:{firm_id}:{address}",
                    f"new firm {captions.get(firm_id, firm_id)} at the address of "
                    f"{captions.get(other, other)}", firm_id, None,
                    {"address": address, "flagged_firm_id": other}))
    return alerts


def check(ws: Workspace, state: AppState, *, settings: MonitorSettings | None = None,
          screener: Screener | None = None, workers: int | None = 1) -> list[Alert]:
    """Compare the workspace with the last check, store the new alerts (queued for the
    webhook when one is set: see :mod:`dibwatch.monitor.webhook`), and make this state the
    new baseline. Returns the alerts raised now (none on the first check,
    which only takes the baseline)."""
    settings = settings or MonitorSettings()
    has_baseline, before, known, last_run = _baseline(state)
    snap = observe(ws, state, screener, workers=workers)
    if not has_baseline:
        _save(state, snap)
        return []
    raised = (_designation_alerts(ws, state, snap, before)
              + _score_alerts(ws, settings, last_run)
              + _address_alerts(ws, state, snap, known, settings))
    # Queued for the webhook, not sent here: the caller may hold the workspace lock.
    stored = store(state, raised, queue=bool(settings.webhook_url))
    _save(state, snap)
    return stored
