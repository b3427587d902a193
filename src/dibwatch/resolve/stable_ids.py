"""Stable firm ids across re-resolution.

Cases, analysts' decisions, alerts and risk runs refer to firms by id, and resolution runs
again whenever shipments or lists change. Each new cluster therefore takes the id of the
previous firm it shares the most mentions with (a mention as written: name, address,
country, id), each old id going to one cluster at most, largest overlaps first; clusters
without a predecessor get ids above every id used before. A firm that only grew keeps its
id; two firms merged keep the id of the one contributing more mentions; a split firm keeps
its id on its larger part.
"""

from __future__ import annotations

import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.resolve import store


def previous_firm_keys(engine: Engine) -> pa.Table:
    """(firm_id, name, address, country, id_value) of every current firm member: read
    before the mentions are rewritten."""
    return engine.query_arrow(store.PREVIOUS_FIRM_KEYS)


def carry_over_ids(engine: Engine, clusters: pa.Table, previous: pa.Table) -> pa.Table:
    """``clusters`` (mention_id, firm_id, match_probability) with each firm_id replaced by
    its predecessor's id where it has one (see module docstring)."""
    new_ids = sorted(set(clusters.column("firm_id").to_pylist()))
    if previous.num_rows == 0:
        return clusters
    with engine.registered("_resolve_clusters", clusters), \
            engine.registered("_resolve_previous", previous):
        overlaps = engine.query(store.CLUSTER_OVERLAP)
    assigned: dict[int, int] = {}
    taken: set[int] = set()
    for new_id, old_id, _ in overlaps:  # largest overlap first, ties by the lower ids
        if new_id not in assigned and old_id not in taken:
            assigned[int(new_id)] = int(old_id)
            taken.add(int(old_id))
    next_id = max(int(v) for v in previous.column("firm_id").to_pylist()) + 1
    for new_id in new_ids:
        if new_id not in assigned:
            assigned[new_id] = next_id
            next_id += 1
    mapped = [assigned[f] for f in clusters.column("firm_id").to_pylist()]
    index = clusters.schema.get_field_index("firm_id")
    return clusters.set_column(index, "firm_id",
                               pa.array(mapped, clusters.schema.field("firm_id").type))
