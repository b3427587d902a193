"""The matcher's features are declared once: the algorithm reads its weights from the
declaration, and the documentation generated from it is current."""

from __future__ import annotations

import re
from pathlib import Path

from dibwatch.match import algorithm
from dibwatch.match.features import FEATURES, README_START, feature_table, render_readme

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_table_is_generated_from_the_declaration() -> None:
    text = README.read_text(encoding="utf-8")
    assert README_START in text
    assert render_readme(text) == text, (
        "README feature table is stale: python -m dibwatch.match --readme README.md")


def test_readme_and_api_docs_name_the_current_version() -> None:
    name, version = algorithm.DibwatchV1.name, algorithm.DibwatchV1.version
    assert f"`{name}` version {version} " in README.read_text(encoding="utf-8")
    api = README.parent / "docs" / "API.md"
    assert re.findall(rf"{name}/([0-9.]+)", api.read_text(encoding="utf-8")) and \
        set(re.findall(rf"{name}/([0-9.]+)", api.read_text(encoding="utf-8"))) == {version}


def test_docstring_lists_every_feature() -> None:
    doc = algorithm.__doc__ or ""
    assert feature_table("rst") in doc
    assert all(f.name in doc for f in FEATURES)


def test_features_fired_by_the_algorithm_are_declared() -> None:
    source = Path(algorithm.__file__).read_text(encoding="utf-8")
    declared = {f.name for f in FEATURES}
    fired = set(re.findall(r'Feature\(\s*"([a-z_]+)"', source))
    fired |= set(re.findall(r'return \(?"([a-z_]+)", [A-Z_]+_CAP', source))
    assert fired and fired <= declared, fired - declared
