"""The lookup tables under ``countries/data/``: CSV with a header, ``#`` lines are comments."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from importlib import resources


def read_table(name: str) -> Iterator[dict[str, str]]:
    """Rows of ``data/<name>`` as dicts, comment lines skipped."""
    with resources.files("dibwatch.countries").joinpath(f"data/{name}").open(
            encoding="utf-8") as fh:
        yield from csv.DictReader(line for line in fh if not line.startswith("#"))
