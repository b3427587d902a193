"""Generating a whole world: firms, goods, streamed shipments, truth, list and summary.

Shipments are written row group by row group (``params.row_group_size`` lines each), so
memory stays flat from a few thousand lines to 10M. Files are first written under temporary
names and renamed at the end: an interrupted run never leaves a half world that looks whole.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from dibwatch.synth.catalogue import build_catalogue
from dibwatch.synth.firms import build_firms
from dibwatch.synth.params import DECOYS, SCHEMES, WorldParams
from dibwatch.synth.shipments import ROLES, SHIPMENT_SCHEMA, TRUTH_SCHEMA, ShipmentGenerator
from dibwatch.synth.writers import (
    PARQUET_OPTIONS,
    write_fictional_list,
    write_firms,
    write_ground_truth,
    write_world_json,
)

Progress = Callable[[int], None]

FILE_NAMES = {
    "shipments": "shipments.parquet",
    "shipment_truth": "shipment_truth.parquet",
    "ground_truth": "ground_truth.parquet",
    "firms": "firms.parquet",
    "fictional_list": "fictional_list.csv",
    "world_json": "world.json",
}


@dataclass(frozen=True)
class WorldFiles:
    """Where a generated world's files are, and its counts (as written to ``world.json``)."""

    out_dir: Path
    shipments: Path
    shipment_truth: Path
    ground_truth: Path
    firms: Path
    fictional_list: Path
    world_json: Path
    counts: dict[str, Any] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def generate_world(out_dir: Path, params: WorldParams | None = None,
                   progress: Progress | None = None) -> WorldFiles:
    """Generate the world described by ``params`` into ``out_dir`` (created if needed).

    ``progress`` is called with the number of shipment lines written so far. The same
    parameters give byte-identical files.
    """
    params = params or WorldParams()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = {k: out_dir / v for k, v in FILE_NAMES.items()}
    tmp = {k: p.with_name(p.name + ".tmp") for k, p in final.items()}

    seeds = np.random.SeedSequence(params.seed).spawn(3)
    names_rng = random.Random(int(seeds[0].generate_state(1)[0]))
    goods_rng = random.Random(int(seeds[1].generate_state(1)[0]))
    rows_rng = np.random.default_rng(seeds[2])

    firms = build_firms(params, names_rng)
    catalogue = build_catalogue(goods_rng, firms)
    gen = ShipmentGenerator(params, firms, catalogue)

    mentions = {r: np.zeros(gen.n_spellings, dtype=np.int64) for r in ROLES}
    scheme_rows: Counter[str] = Counter()
    done = 0
    try:
        with pq.ParquetWriter(tmp["shipments"], SHIPMENT_SCHEMA, **PARQUET_OPTIONS) as ship_w, \
                pq.ParquetWriter(tmp["shipment_truth"], TRUTH_SCHEMA,
                                 **PARQUET_OPTIONS) as truth_w:
            while done < params.shipments:
                n = min(params.row_group_size, params.shipments - done)
                chunk = gen.chunk(rows_rng, n)
                ship_w.write_table(chunk.shipments, row_group_size=n)
                truth_w.write_table(chunk.truth, row_group_size=n)
                for role, seen in chunk.mentions.items():
                    mentions[role] += seen
                scheme_rows.update(chunk.scheme_rows)
                done += n
                if progress is not None:
                    progress(done)
        used = write_ground_truth(tmp["ground_truth"], firms, mentions)
        write_firms(tmp["firms"], params, firms, used)
        n_listed = write_fictional_list(tmp["fictional_list"], params, firms)
        counts = _counts(firms, used, scheme_rows, done, n_listed)
        counts["sha256"] = {FILE_NAMES[k]: _sha256(tmp[k]) for k in FILE_NAMES
                            if k != "world_json"}
        write_world_json(tmp["world_json"], {"params": params.to_dict(), "counts": counts,
                                             "files": FILE_NAMES, "schemes": list(SCHEMES)})
        for key, path in tmp.items():
            path.replace(final[key])
    finally:
        for path in tmp.values():
            path.unlink(missing_ok=True)
    return WorldFiles(out_dir=out_dir, counts=counts, **final)


def _counts(firms: list[Any], used: dict[int, list[str]], scheme_rows: Counter[str],
            rows: int, n_listed: int) -> dict[str, Any]:
    firm_schemes: Counter[str] = Counter(s for f in firms for s in f.schemes)
    return {
        "shipments": rows,
        "facilitated_shipments": scheme_rows.get("facilitated", 0),
        "shipments_by_scheme": {s: scheme_rows.get(s, 0) for s in SCHEMES},
        "firms": len(firms),
        "firms_by_role": dict(sorted(Counter(f.role for f in firms).items())),
        "firms_by_country": dict(sorted(Counter(f.country for f in firms).items())),
        "facilitators": sum(f.is_facilitator for f in firms),
        "firms_by_scheme": {s: firm_schemes.get(s, 0) for s in SCHEMES},
        "firms_by_persona": dict(sorted(Counter(f.persona for f in firms
                                                if f.persona is not None).items())),
        "decoys": sum(f.persona in DECOYS for f in firms),
        "shell_cluster_addresses": len({f.address for f in firms
                                        if f.primary_scheme == "shell_cluster"}),
        "listed_entities": n_listed,
        "spellings_used": sum(len(v) for v in used.values()),
        "firms_mentioned": len(used),
    }
