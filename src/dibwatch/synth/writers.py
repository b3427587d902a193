"""Files of a world: ground truth, firms, the fictional sanctions list and ``world.json``.

Shipments are streamed by :mod:`dibwatch.synth.world`; these writers handle the small,
whole-world outputs. Nothing here writes a timestamp, so a seed gives byte-identical files.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dibwatch.csvout import open_csv
from dibwatch.synth.firms import Firm, first_seen
from dibwatch.synth.params import DECOYS, INVASION, WorldParams

CSL_HEADER = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order",
    "license_requirement", "license_policy", "call_sign", "vessel_type", "gross_tonnage",
    "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks", "source_list_url",
    "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
    "source_information_url", "ids",
)
ENTITY_LIST = "Entity List (EL) - Bureau of Industry and Security"
SDN_LIST = "Specially Designated Nationals (SDN) - Treasury Department"
_LIST_URL = "https://example.invalid/dibwatch-synthetic-list"
_ID_LABELS = {"INN": "Tax ID No.", "USCC": "Unified Social Credit Code (USCC)"}
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "write_statistics": True}


def write_table(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, **PARQUET_OPTIONS)


def write_firms(path: Path, params: WorldParams, firms: list[Firm],
                used: dict[int, list[str]]) -> None:
    write_table(path, pa.table({
        "firm_id": [f.firm_id for f in firms],
        "canonical_name": [f.name.canonical for f in firms],
        "latin_name": [f.name.latin for f in firms],
        "country": [f.country for f in firms],
        "role": [f.role for f in firms],
        "is_end_user": [f.is_end_user for f in firms],
        "is_facilitator": [f.is_facilitator for f in firms],
        "primary_scheme": pa.array([f.primary_scheme for f in firms], pa.string()),
        "schemes": pa.array([f.schemes for f in firms], pa.list_(pa.string())),
        "persona": pa.array([f.persona for f in firms], pa.string()),
        "decoy": pa.array([DECOYS.get(f.persona or "") and f.persona for f in firms],
                          pa.string()),
        "identifier": pa.array([f.identifier for f in firms], pa.string()),
        "address": [f.address for f in firms],
        "first_seen": [first_seen(params, f) for f in firms],
        "listed_entity_id": pa.array([f.listed_id for f in firms], pa.string()),
        "spellings": pa.array([used.get(f.index, []) for f in firms], pa.list_(pa.string())),
    }))


def write_ground_truth(path: Path, firms: list[Firm],
                       mentions: dict[str, np.ndarray]) -> dict[int, list[str]]:
    """One row per spelling used in the shipments; returns the used spellings per firm."""
    total = np.sum(list(mentions.values()), axis=0)
    rows: dict[str, list[Any]] = {k: [] for k in (
        "spelling", "firm_id", "canonical_name", "country", "role", "is_facilitator",
        "schemes", "is_clean", *(f"mentions_{r}" for r in mentions))}
    used: dict[int, list[str]] = {}
    offset = 0
    for firm in firms:
        for j, spelling in enumerate(firm.spellings):
            k = offset + j
            if total[k] == 0:
                continue
            used.setdefault(firm.index, []).append(spelling)
            rows["spelling"].append(spelling)
            rows["firm_id"].append(firm.firm_id)
            rows["canonical_name"].append(firm.name.canonical)
            rows["country"].append(firm.country)
            rows["role"].append(firm.role)
            rows["is_facilitator"].append(firm.is_facilitator)
            rows["schemes"].append(firm.schemes)
            rows["is_clean"].append(j < firm.n_clean)
            for role, counts in mentions.items():
                rows[f"mentions_{role}"].append(int(counts[k]))
        offset += len(firm.spellings)
    table = pa.table({k: pa.array(v, pa.list_(pa.string())) if k == "schemes" else v
                      for k, v in rows.items()})
    write_table(path, table)
    return used


def _listing_date(firm: Firm, params: WorldParams) -> str:
    # Listed some time after the invasion; fixed by the firm so the list is reproducible.
    days = 30 + (firm.index * 37) % 700
    listed = INVASION.toordinal() + days
    return min(date.fromordinal(listed), params.end).isoformat()


def write_fictional_list(path: Path, params: WorldParams, firms: list[Firm]) -> int:
    """The listed firms in trade.gov CSL CSV layout; returns the number of entries."""
    listed = sorted((f for f in firms if f.listed_id), key=lambda f: str(f.listed_id))
    with open_csv(path, quote_all=True, lineterminator="\n") as out:
        out.writerow(CSL_HEADER)
        for firm in listed:
            sdn = firm.is_facilitator
            ids = ""
            if firm.identifier and ":" in firm.identifier:
                scheme, value = firm.identifier.split(":", 1)
                country = "RU" if scheme == "INN" else "CN"
                ids = f"{_ID_LABELS[scheme]}, {value}, {country}"
            alt = [s for s in firm.name.clean if s != firm.name.latin]
            row = {
                "_id": firm.listed_id, "source": SDN_LIST if sdn else ENTITY_LIST,
                "type": "Entity", "programs": "RUSSIA-EO14024" if sdn else "",
                "name": firm.name.latin, "addresses": firm.address,
                "federal_register_notice": "" if sdn else "89 FR 00000",
                "start_date": _listing_date(firm, params),
                "license_requirement": "" if sdn else "For all items subject to the EAR.",
                "license_policy": "" if sdn else "Policy of denial.",
                "remarks": "FICTIONAL synthetic-world entry", "source_list_url": _LIST_URL,
                "alt_names": "; ".join(alt), "ids": ids,
            }
            out.writerow([row.get(col, "") for col in CSL_HEADER])
    return len(listed)


def write_world_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                    encoding="utf-8")
