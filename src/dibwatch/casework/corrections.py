"""Analysts' corrections to firms: split a spelling off a firm, merge two firms.

A firm id and a mention id are renumbered by each resolution; what was written (name,
address, country, id) is not. A correction is therefore kept as pairs of mentions as
written — a split as "this spelling apart from each other spelling of the firm", a merge as
"a spelling of one firm together with a spelling of the other" — which resolution honours
every time it runs (:class:`dibwatch.resolve.constraints.Corrections`), new shipments or not.
Each correction is written with its audit row in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.casework import audit
from dibwatch.casework.state import AppState, now


@dataclass(frozen=True)
class Correction:
    correction_id: int
    kind: str  # "split" or "merge"
    firm_id: int
    other_firm_id: int | None
    key_a: str
    key_b: str
    note: str | None
    decided_by: str
    decided_at: str


def split(state: AppState, *, firm_id: int, key: str, others: list[str], actor: str,
          note: str | None = None) -> int:
    """Record that the spelling ``key`` is not the same firm as ``others`` (the rest of the
    firm's spellings); returns the number of pairs kept apart."""
    pairs = sorted({o for o in others if o != key})
    if not pairs:
        return 0
    with state.transaction() as con:
        at = now()
        for other in pairs:
            con.execute("INSERT INTO firm_corrections (kind, firm_id, key_a, key_b, note, "
                        "decided_by, decided_at) VALUES ('split', ?, ?, ?, ?, ?, ?)",
                        [firm_id, key, other, note, actor, at])
        audit.append(con, actor=actor, action="firm.split", object_type="firm",
                     object_id=str(firm_id),
                     detail={"mention": key, "apart_from": len(pairs), "note": note})
    return len(pairs)


def merge(state: AppState, *, firm_id: int, other_firm_id: int, key: str, other_key: str,
          actor: str, note: str | None = None) -> None:
    """Record that two firms are one (a spelling of each stands for its firm)."""
    with state.transaction() as con:
        con.execute("INSERT INTO firm_corrections (kind, firm_id, other_firm_id, key_a, key_b, "
                    "note, decided_by, decided_at) VALUES ('merge', ?, ?, ?, ?, ?, ?, ?)",
                    [firm_id, other_firm_id, key, other_key, note, actor, now()])
        audit.append(con, actor=actor, action="firm.merge", object_type="firm",
                     object_id=str(firm_id),
                     detail={"with_firm": other_firm_id, "note": note})


def corrections(state: AppState) -> list[Correction]:
    with state.connect() as con:
        rows = con.execute("SELECT correction_id, kind, firm_id, other_firm_id, key_a, key_b, "
                           "note, decided_by, decided_at FROM firm_corrections "
                           "ORDER BY correction_id").fetchall()
    return [Correction(int(r[0]), r[1], int(r[2]), r[3], r[4], r[5], r[6], r[7], r[8])
            for r in rows]
