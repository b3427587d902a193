"""One small world, ranked and reported once per session, shared by the report tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dibwatch.demo import run_demo
from dibwatch.report import ReportResult, write_report
from dibwatch.risk import rank_firms
from dibwatch.workspace import Workspace
from tests.report.browser import artifacts_folder, launch_browser

DOSSIERS = 8
# A firm name with Han and Cyrillic script, HTML metacharacters and a matplotlib mathtext
# pair ($^$ raised in savefig and took the report down): it must render in the PDF, be
# escaped in the HTML and drawn as plain text in the charts. The demo world has Han and
# Cyrillic names of its own; this one is constructed so the test does not depend on which
# firms rank on top.
HOSTILE_NAME = '深圳市测试电子有限公司 ООО «Тест» <b>&"x" $^$'
HOSTILE_RANK = 2


@dataclass(frozen=True)
class ReportWorld:
    ws: Workspace
    result: ReportResult
    run_id: int
    hostile_firm: int


@pytest.fixture(scope="session")
def report_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportWorld]:
    base = tmp_path_factory.mktemp("report")
    ws = Workspace(base / "ws.duckdb")
    run_demo(ws, base / "world", shipments=3000)
    ranked = rank_firms(ws)
    firm = int(ws.engine.scalar("SELECT firm_id FROM firm_scores WHERE run_id = ? AND rank = ?",
                                [ranked.run_id, HOSTILE_RANK]))
    ws.engine.execute("UPDATE firms SET caption = ? WHERE firm_id = ?", [HOSTILE_NAME, firm])
    result = write_report(ws, base / "site", dossiers=DOSSIERS)
    yield ReportWorld(ws, result, ranked.run_id, firm)
    ws.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (skipped when missing, a failure under CI=true)."""
    yield from launch_browser()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: $DIBWATCH_TEST_ARTIFACTS, or the test's temporary folder."""
    return artifacts_folder(tmp_path)
