"""Firms from the model's links: constrained clustering (:mod:`dibwatch.resolve.constraints`),
the members with their match probabilities, each firm's caption, country, identifiers, roles,
counts and period, and the evidence of every link used or refused."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import numpy as np
import pyarrow as pa

from dibwatch.engine import Engine
from dibwatch.resolve import store
from dibwatch.resolve.constraints import Clustering, Corrections, Link, cluster, registration


def cluster_mentions(engine: Engine, links: Iterable[Link],
                     corrections: Corrections | None = None, *,
                     ordered: bool = False) -> Clustering:
    """Cluster every party mention of the workspace (a mention no link reaches is a firm of
    its own). ``ordered``: ``links`` come strongest first (see ``constraints.cluster``)."""
    # Read column by column, keys only when an analyst corrected firms: at 10M lines a row
    # tuple and a key string per mention were gigabytes held through the clustering.
    mentions = engine.query_arrow(store.MENTION_IDS).column(0).to_numpy().tolist()
    registrations = {int(m): r for m, id_value in engine.query(store.MENTION_REGISTRY_IDS)
                     if (r := registration(id_value)) is not None}
    keys = None
    if corrections is not None and (corrections.apart or corrections.together):
        keys = {int(m): str(k) for m, k in engine.query(store.MENTION_KEYS)}
    return cluster(mentions, links, registrations=registrations, keys=keys,
                   corrections=corrections, ordered=ordered)


def clusters_table(clustering: Clustering) -> pa.Table:
    """(mention_id, firm_id, match_probability): the strongest link that joined the mention,
    null for a firm of one mention."""
    best: dict[int, float] = {}
    for link in clustering.used:
        for m in (link.left, link.right):
            best[m] = max(best.get(m, 0.0), link.probability)
    mentions = sorted(clustering.firm_of)
    return pa.table({
        "mention_id": pa.array(mentions, pa.int32()),
        "firm_id": pa.array([clustering.firm_of[m] for m in mentions], pa.int32()),
        "match_probability": pa.array([best.get(m) for m in mentions], pa.float64())})


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


def write_links(engine: Engine, clustering: Clustering, assigned: pa.Table) -> None:
    """Keep why members were joined (``firm_links``) and which links were refused and why
    (``firm_link_refusals``), under the firm ids finally assigned."""
    ids = assigned.column("mention_id").to_numpy()
    firm = np.zeros(int(ids.max(initial=0)) + 1, np.int64)  # mention -> firm, as an array
    firm[ids] = assigned.column("firm_id").to_numpy()
    levels_json: dict[int, str] = {}  # links with the same levels share one mapping

    def as_json(levels: Mapping[str, str]) -> str:
        found = levels_json.get(id(levels))
        if found is None:
            found = levels_json[id(levels)] = json.dumps(dict(levels))
        return found

    used = pa.table({
        "firm_id": pa.array(firm[[k.left for k in clustering.used]], pa.int32()),
        "mention_l": pa.array([k.left for k in clustering.used], pa.int32()),
        "mention_r": pa.array([k.right for k in clustering.used], pa.int32()),
        "match_probability": pa.array([k.probability for k in clustering.used], pa.float64()),
        "match_weight": pa.array([k.weight for k in clustering.used], pa.float64()),
        "levels": pa.array([as_json(k.levels) for k in clustering.used], pa.string()),
        "source": pa.array(["model"] * len(clustering.used), pa.string())})
    forced = pa.table({
        "firm_id": pa.array(firm[[a for a, _ in clustering.forced]], pa.int32()),
        "mention_l": pa.array([a for a, _ in clustering.forced], pa.int32()),
        "mention_r": pa.array([b for _, b in clustering.forced], pa.int32()),
        "match_probability": pa.array([1.0] * len(clustering.forced), pa.float64()),
        "match_weight": pa.array([None] * len(clustering.forced), pa.float64()),
        "levels": pa.array(["{}"] * len(clustering.forced), pa.string()),
        "source": pa.array(["analyst"] * len(clustering.forced), pa.string())})
    refused = clustering.refused
    refusals = pa.table({
        "mention_l": pa.array([r.link.left for r in refused], pa.int32()),
        "mention_r": pa.array([r.link.right for r in refused], pa.int32()),
        "firm_l": pa.array(firm[[r.link.left for r in refused]], pa.int32()),
        "firm_r": pa.array(firm[[r.link.right for r in refused]], pa.int32()),
        "match_probability": pa.array([r.link.probability for r in refused], pa.float64()),
        "match_weight": pa.array([r.link.weight for r in refused], pa.float64()),
        "levels": pa.array([as_json(r.link.levels) for r in refused], pa.string()),
        "reason": pa.array([r.reason for r in refused], pa.string())})
    with engine.transaction():
        engine.execute("DELETE FROM firm_links")
        engine.execute("DELETE FROM firm_link_refusals")
        engine.insert_arrow("firm_links", pa.concat_tables([used, forced]))
        engine.insert_arrow("firm_link_refusals", refusals)
