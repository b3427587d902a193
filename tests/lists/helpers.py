"""Builders of synthetic list files for loader tests (fictional names only)."""

from __future__ import annotations

import csv
from pathlib import Path

from dibwatch.demo import demo_list_files


def csl_header() -> list[str]:
    with demo_list_files()[0].open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def write_csl(path: Path, n: int, *, start: int = 0) -> Path:
    """A CSL-layout file of ``n`` fictional Entity List rows."""
    header = csl_header()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        for i in range(start, start + n):
            row = dict.fromkeys(header, "")
            row.update({
                "_id": f"synthetic-{i:06d}",
                "source": "Entity List (EL) - Bureau of Industry and Security",
                "type": "Entity",
                "name": f"Fictional Widget Works {i} LLC",
                "addresses": f"{i} Nowhere Street, Springfield, RU",
                "start_date": "2023-02-24",
            })
            writer.writerow(row)
    return path
