"""A demo workspace (3,000 shipments, ranked) built once per session, copied per test module
so each module's app state and list loads start clean."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dibwatch.demo import demo_list_files, run_demo
from dibwatch.risk import rank_firms
from dibwatch.web import AppState, Role, WebSettings, add_user, create_app, create_token
from dibwatch.workspace import Workspace

PASSWORD = "correct horse battery"
USERS = {"vera": Role.viewer, "anna": Role.analyst, "adam": Role.admin}


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("web-demo")
    path = base / "demo.duckdb"
    with Workspace(path) as ws:
        run_demo(ws, base / "world", shipments=3000)
        rank_firms(ws)
    return path


def write_list(path: Path, rows: list[dict[str, str]]) -> Path:
    """A fictional list in the trade.gov CSL layout of the demo list."""
    with demo_list_files()[0].open(encoding="utf-8") as fh:
        columns = next(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        for row in rows:
            writer.writerow({**dict.fromkeys(columns, ""),
                             "source": "Entity List (EL) - Bureau of Industry and Security",
                             "type": "Entity", "remarks": "FICTIONAL test entry", **row})
    return path


@dataclass
class Server:
    app: FastAPI
    client: TestClient
    state: AppState
    workspace: Path
    tokens: dict[str, str]

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


def make_server(demo_workspace: Path, tmp: Path, settings: WebSettings | None = None
                ) -> Iterator[Server]:
    path = tmp / "ws.duckdb"
    shutil.copy(demo_workspace, path)
    app = create_app(path, settings=settings or WebSettings(max_upload_bytes=200_000))
    state: AppState = app.state.ctx.state
    tokens = {}
    for name, role in USERS.items():
        user = add_user(state, name, PASSWORD, role)
        tokens[name] = create_token(state, user, "test", timedelta(days=1))
    with TestClient(app) as client:
        yield Server(app, client, state, path, tokens)


@pytest.fixture(scope="module")
def server(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    yield from make_server(demo_workspace, tmp_path_factory.mktemp("web-server"))
