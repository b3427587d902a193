"""Party mentions as Parquet beside the workspace, next to the shipments dataset.

Each resolution of a workspace with a file also writes, in its dataset folder
(:func:`dibwatch.trade.dataset.root_for`):

- ``parties/load_id=N/month=YYYY-MM/*.parquet``: one row per ``shipment_parties`` row, the
  line's party with the mention as written. The month is the shipment's, by the rule of
  ``lines/``, so a line's lines and parties partitions have the same name and an engine
  joins the two partition by partition;
- ``mentions/*.parquet``: the ``party_mentions`` table.

A resolution replaces both whole, as it replaces the tables. They are written under
``_staging-parties-…`` (which readers of ``parties/`` and ``mentions/`` never see) and moved
into place only once both are complete: a failed write leaves the previous resolution's
dataset as it was. A load's ``parties`` partition goes with its lines
(:func:`dibwatch.trade.dataset.remove_load`).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from dibwatch.engine import Engine
from dibwatch.trade import dataset
from dibwatch.trade.dataset import PARTIES

MENTIONS = "mentions"
STAGING_PREFIX = "_staging-parties-"
PARTY_COLUMNS = ("load_id", "line_no", "role", "mention_id", "name", "address", "country",
                 "id_value", "month")

# Partition columns last: they leave the files and come back as hive columns.
_PARTIES = """
SELECT sp.line_no, sp.role, sp.mention_id, m.name, m.address, m.country, m.id_value,
       sp.load_id, strftime(s.date, '%Y-%m') AS month
FROM shipment_parties sp
JOIN party_mentions m ON m.mention_id = sp.mention_id
LEFT JOIN shipments s ON s.load_id = sp.load_id AND s.line_no = sp.line_no
"""

_MENTIONS = "SELECT * FROM party_mentions ORDER BY mention_id"


def parties_folder(root: Path) -> Path:
    return root / PARTIES


def mentions_folder(root: Path) -> Path:
    return root / MENTIONS


def write_parties(engine: Engine, root: Path) -> None:
    """Replace the parties and mentions datasets with the workspace's ``shipment_parties``
    and ``party_mentions`` (as ``engine`` sees them)."""
    # Left by a resolution killed mid-write; one writer holds the workspace, so none is live.
    for leftover in root.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = root / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        staging.mkdir(parents=True)
        engine.copy_to_dataset(_PARTIES, str(staging / PARTIES), dataset.PARTITIONS)
        # An engine may write no folder for no rows; an empty one still replaces the old.
        (staging / PARTIES).mkdir(exist_ok=True)
        (staging / MENTIONS).mkdir()
        engine.copy_to(_MENTIONS, str(staging / MENTIONS / "data_0.parquet"), "parquet")
        _swap(root, staging, (PARTIES, MENTIONS))
    finally:
        dataset.discard(staging)


def _swap(root: Path, staging: Path, names: tuple[str, ...]) -> None:
    # A folder cannot be renamed over a non-empty one: the old copy is moved into the staging
    # folder (deleted with it afterwards), and moved back if the new one cannot go in.
    old = staging / "_old"
    old.mkdir()
    for name in names:
        current = root / name
        if current.exists():
            os.replace(current, old / name)
        try:
            os.replace(staging / name, current)
        except BaseException:
            if (old / name).exists():
                os.replace(old / name, current)
            raise


def scan_parties(root: Path) -> str:
    """A DuckDB table expression reading the parties dataset in place (``PARTY_COLUMNS``)."""
    return dataset.scan_files(parties_folder(root) / "load_id=*" / "month=*" / "*.parquet")


def scan_mentions(root: Path) -> str:
    """A DuckDB table expression reading the mentions dataset in place."""
    quoted = str(mentions_folder(root) / "*.parquet").replace("'", "''")
    return f"read_parquet('{quoted}')"
