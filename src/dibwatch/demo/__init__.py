"""The bundled demo: fictional data that shows what dibwatch does, end to end."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def demo_list_files() -> list[Path]:
    """The two versions of the bundled fictional list, oldest first."""
    base = resources.files("dibwatch.demo").joinpath("data")
    return [Path(str(base.joinpath(name))) for name in ("demo_list_v1.csv", "demo_list_v2.csv")]
