"""Firms from clusters: members with their match probabilities, and each firm's caption,
country, identifiers, roles, counts and the period it traded in."""

from __future__ import annotations

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.resolve import store


def write_firms(engine: Engine, clusters: pa.Table) -> int:
    """Replace ``firms`` and ``firm_members`` with ``clusters`` (mention_id, firm_id,
    match_probability); returns the number of firms."""
    with engine.transaction(), engine.registered("_resolve_clusters", clusters):
        engine.execute("DELETE FROM firm_screening")
        engine.execute("DELETE FROM firm_members")
        engine.execute("DELETE FROM firms")
        engine.execute(store.INSERT_MEMBERS)
        engine.execute(store.INSERT_FIRMS)
    return int(engine.scalar(store.FIRM_COUNT))
