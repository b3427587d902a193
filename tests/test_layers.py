"""The package layers (docs/ARCHITECTURE.md): every import between dibwatch's packages, lazy
ones inside functions included, points down or sideways within a layer, never up, and no two
packages import each other."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "dibwatch"

# Lowest first. A package may import its own layer and those below.
LAYERS: list[set[str]] = [
    {"errors", "model", "text", "goods", "engine", "ingest", "csvout"},
    {"workspace"},
    {"lists", "trade", "countries", "casework"},
    {"match", "synth"},
    {"resolve", "graph", "xref"},
    {"risk"},
    {"report", "monitor"},
    {"pipeline", "demo"},
    {"web"},
    {"cli", "__main__", "testing"},
]
LEVEL = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}


def package_imports() -> dict[str, dict[str, set[str]]]:
    """package -> imported package -> the files importing it."""
    edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in SRC.rglob("*.py"):
        source = path.relative_to(SRC).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
                if node.module == "dibwatch":  # from dibwatch import pipeline
                    names = [f"dibwatch.{a.name}" for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "dibwatch" and len(parts) > 1 and parts[1] != source \
                        and parts[1] != "__version__":
                    edges[source][parts[1]].add(str(path.relative_to(SRC)))
    return edges


def test_every_package_has_a_layer() -> None:
    packages = {p.relative_to(SRC).parts[0].removesuffix(".py") for p in SRC.rglob("*.py")}
    assert packages - {"__init__"} <= set(LEVEL), packages - set(LEVEL)


def test_no_import_points_up() -> None:
    upward = [f"{a} -> {b} ({', '.join(sorted(files))})"
              for a, targets in package_imports().items()
              for b, files in targets.items() if LEVEL[b] > LEVEL[a]]
    assert not upward, "\n".join(upward)


def test_no_two_packages_import_each_other() -> None:
    edges = package_imports()
    cycles = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a]
                     if a in edges.get(b, {})})
    assert not cycles, cycles


def test_nothing_below_the_web_app_imports_it() -> None:
    users = {a for a, targets in package_imports().items() if "web" in targets}
    assert users <= {"cli"}, users
