"""Analysts' corrections applied to resolution: a split or a merge recorded in the casework
state (:mod:`dibwatch.casework.corrections`) as pairs of mentions as written, read back as the
constraints every resolution honours."""

from __future__ import annotations

from dibwatch.casework import corrections as recorded
from dibwatch.casework.state import AppState, state_path_for
from dibwatch.errors import ConfigError, NotFoundError
from dibwatch.resolve import store
from dibwatch.resolve.constraints import Corrections
from dibwatch.workspace import Workspace

_MEMBERS = f"""
SELECT p.mention_id, p.name, {store.mention_key("p")}
FROM firm_members m JOIN party_mentions p USING (mention_id)
WHERE m.firm_id = ? ORDER BY p.mention_id
"""


def members(ws: Workspace, firm_id: int) -> list[tuple[int, str | None, str]]:
    """(mention id, name, mention as written) of every spelling of the firm."""
    rows = [(int(m), n, str(k)) for m, n, k in ws.engine.query(_MEMBERS, [firm_id])]
    if not rows:
        raise NotFoundError(f"no firm {firm_id} (`dibwatch trade firms` lists them)")
    return rows


def split_firm(ws: Workspace, state: AppState, firm_id: int, *, actor: str,
               name: str | None = None, mention_id: int | None = None,
               note: str | None = None) -> int:
    """Split the spellings named ``name`` (or the one mention ``mention_id``) off the firm;
    returns how many spellings go. Takes effect at the next resolution."""
    spellings = members(ws, firm_id)
    chosen = [k for m, n, k in spellings if m == mention_id or (name is not None and n == name)]
    rest = [k for m, n, k in spellings if k not in chosen]
    if not chosen:
        raise NotFoundError(f"firm {firm_id} has no spelling "
                            f"{name if name is not None else mention_id!r}")
    if not rest:
        raise ConfigError(f"that is every spelling of firm {firm_id}: nothing to split off")
    for key in chosen:
        recorded.split(state, firm_id=firm_id, key=key, others=rest, actor=actor, note=note)
    return len(chosen)


def merge_firms(ws: Workspace, state: AppState, firm_id: int, other_firm_id: int, *,
                actor: str, note: str | None = None) -> None:
    """Record that two firms are one; takes effect at the next resolution."""
    if firm_id == other_firm_id:
        raise ConfigError("a firm cannot be merged with itself")
    key = members(ws, firm_id)[0][2]
    other = members(ws, other_firm_id)[0][2]
    recorded.merge(state, firm_id=firm_id, other_firm_id=other_firm_id, key=key,
                   other_key=other, actor=actor, note=note)


def corrections_for(ws: Workspace) -> Corrections | None:
    """The analysts' corrections recorded beside the workspace (None without casework)."""
    path = state_path_for(ws.path)
    if not path.exists():
        return None
    rows = recorded.corrections(AppState(path))
    return Corrections(
        together=tuple((c.key_a, c.key_b) for c in rows if c.kind == "merge"),
        apart=tuple((c.key_a, c.key_b) for c in rows if c.kind == "split"))
