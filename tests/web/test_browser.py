"""The dashboard driven by Debian Chromium through Playwright, against a live uvicorn on
127.0.0.1: log in, screen a name, open a firm (network drawn), confirm a match, find it in the
audit log, load a new list snapshot and see the alert. Screenshots go to
``$DIBWATCH_TEST_ARTIFACTS`` (or the test's tmp_path)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from dibwatch.match import DibwatchV1
from dibwatch.web import Role, add_user, create_app
from dibwatch.workspace import Workspace
from tests.web.conftest import PASSWORD, write_list

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.network]


def _need_browser() -> None:
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "playwright (python) is not installed"
    if reason is None and not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    tmp = tmp_path_factory.mktemp("live")
    path = tmp / "ws.duckdb"
    shutil.copy(demo_workspace, path)
    app = create_app(path)
    add_user(app.state.ctx.state, "anna", PASSWORD, Role.analyst)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    target = Path(os.environ.get("DIBWATCH_TEST_ARTIFACTS") or tmp_path) / "browser"
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_analyst_journey(live: str, demo_workspace: Path, artifacts: Path,
                         tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with Workspace(demo_workspace, read_only=True) as ws:
        firm_id, entity_id = ws.engine.query(
            "SELECT firm_id, entity_id FROM firm_screening ORDER BY score DESC, firm_id "
            "LIMIT 1")[0]
        target_id, target_caption = ws.engine.query(
            "SELECT firm_id, caption FROM firms WHERE firm_id NOT IN "
            "(SELECT firm_id FROM firm_screening) ORDER BY mention_count DESC, firm_id "
            "LIMIT 1")[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{live}/")
            assert "/login" in page.url
            page.fill("input[name=name]", "anna")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("h1")).to_have_text("Overview")
            page.screenshot(path=str(artifacts / "1-overview.png"), full_page=True)

            page.goto(f"{live}/ui/screen")
            page.fill("input[name=name]", "Krylotronika Instrument Works")
            page.click("form[action='/ui/screen'] button")
            results = page.locator("#screen-results")
            expect(results).to_contain_text("demo_list-demo-0001")
            expect(results.locator(".match").first).to_have_text("MATCH")
            page.screenshot(path=str(artifacts / "2-screening.png"), full_page=True)

            page.goto(f"{live}/ui/firms/{firm_id}")
            expect(page.locator("#network")).to_have_attribute("data-ready", "true",
                                                               timeout=15_000)
            assert int(page.locator("#network").get_attribute("data-nodes") or 0) >= 1
            page.screenshot(path=str(artifacts / "3-firm.png"), full_page=True)
            row = page.locator(f"#list-matches tr[data-entity='{entity_id}']")
            row.locator("button[value=confirm]").click()
            expect(page.locator(f"#list-matches tr[data-entity='{entity_id}'] .confirmed")
                   ).to_have_text("confirmed")

            page.goto(f"{live}/ui/audit")
            first = page.locator("#audit tr").nth(1)
            expect(first).to_contain_text("match.confirm")
            expect(first).to_contain_text(f"firm {firm_id}")
            expect(first).to_contain_text(f"{DibwatchV1.name}/{DibwatchV1.version}")
            page.screenshot(path=str(artifacts / "4-audit.png"), full_page=True)

            new_list = write_list(tmp_path / "new_list.csv", [
                {"_id": "b-1", "name": str(target_caption), "start_date": "2024-06-01"}])
            page.goto(f"{live}/ui/lists")
            page.set_input_files("form[action='/ui/lists/load'] input[type=file]",
                                 str(new_list))
            page.fill("form[action='/ui/lists/load'] input[name=format]", "csl_csv")
            page.click("form[action='/ui/lists/load'] button")
            expect(page.locator("#loaded")).to_be_visible()
            alerts = page.locator("#alerts")
            expect(alerts).to_contain_text("counterparty_designated")
            expect(alerts).to_contain_text(str(target_caption))
            page.screenshot(path=str(artifacts / "5-alerts.png"), full_page=True)
        finally:
            browser.close()
    assert target_id is not None
    assert sorted(p.name for p in artifacts.glob("[1-5]-*.png")) == [
        "1-overview.png", "2-screening.png", "3-firm.png", "4-audit.png", "5-alerts.png"]


def test_pages_and_api_docs_run_under_the_csp(live: str, demo_workspace: Path,
                                              artifacts: Path) -> None:
    """The Content-Security-Policy forbids inline script: the dashboard's scripts and the
    vendored Swagger UI must run without one refusal, and nothing loads from elsewhere."""
    from playwright.sync_api import expect, sync_playwright

    with Workspace(demo_workspace, read_only=True) as ws:
        firm_id = ws.engine.scalar("SELECT firm_id FROM firm_screening ORDER BY score DESC, "
                                   "firm_id LIMIT 1")
    refused: list[str] = []
    foreign: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("console", lambda m: refused.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.on("request", lambda r: foreign.append(r.url)
                if not r.url.startswith((live, "data:")) else None)
        try:
            page.goto(f"{live}/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("dibwatch",
                                                                              timeout=15_000)
            expect(page.locator(".opblock").first).to_be_visible()
            page.screenshot(path=str(artifacts / "6-docs.png"))
            page.goto(f"{live}/login")
            page.fill("input[name=name]", "anna")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{live}/ui/firms/{firm_id}")
            expect(page.locator("#network")).to_have_attribute("data-ready", "true",
                                                               timeout=15_000)
        finally:
            browser.close()
    assert not refused, refused
    assert not foreign, foreign
