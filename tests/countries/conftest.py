from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dibwatch.workspace import Workspace

DATA = Path(__file__).parent / "data"


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace(tmp_path / "countries.duckdb") as workspace:
        yield workspace


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[[str, str], Path]:
    """``write_csv("name.csv", text)`` -> the path of a file holding ``text``."""
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write
