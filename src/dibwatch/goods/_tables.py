"""Reading the package's lookup tables (``data/*.csv``; sources in ``data/README.md``)."""

from __future__ import annotations

import csv
from importlib import resources


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of ``data/<name>`` as dicts with stripped cells; blank and ``#`` lines skipped.

    ``utf-8-sig`` because the HS sections file, copied verbatim, starts with a BOM.
    """
    text = resources.files("dibwatch.goods").joinpath("data", name).read_text(
        encoding="utf-8-sig"
    )
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows: list[dict[str, str]] = []
    for row in csv.DictReader(lines):
        if None in row:
            raise ValueError(f"{name}: too many cells in {row[None]!r} (quote commas)")
        rows.append({key: (value or "").strip() for key, value in row.items()})
    return rows


def split_list(cell: str) -> tuple[str, ...]:
    """``"a|b| c"`` -> ``("a", "b", "c")``: the multi-value convention of these tables."""
    return tuple(part.strip() for part in cell.split("|") if part.strip())
