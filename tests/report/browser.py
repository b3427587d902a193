"""Headless Chromium for the report tests: the Debian browser through Playwright, skipped
when missing except under CI=true, and how a drawn SVG is measured."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Per drawn SVG: its box and how many shapes it holds.
MEASURE = """
els => els.map(svg => {
  const box = svg.getBoundingClientRect();
  return {width: box.width, height: box.height,
          shapes: svg.querySelectorAll('path, rect, circle, use, polygon, polyline').length,
          texts: svg.querySelectorAll('text').length,
          label: svg.getAttribute('aria-label')};
})
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser test cannot run under CI: {reason}")
    pytest.skip(reason)


def launch_browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def artifacts_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DIBWATCH_TEST_ARTIFACTS") or tmp_path) / "report-screens"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser: Any, path: Path) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    assert not errors
    return page


def assert_drawn(charts: list[dict[str, Any]]) -> None:
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 50, chart
        assert chart["shapes"] > 3, chart
        assert chart["texts"] > 0, chart


