"""The app factory: JSON API, dashboard and static files over one workspace and its app
state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from dibwatch import __version__
from dibwatch.web import errors, pages, xref_pages
from dibwatch.web.api import (
    cases,
    countries,
    firms,
    lists,
    match,
    monitoring,
    screening,
    session,
    xref,
)
from dibwatch.web.context import AppContext
from dibwatch.web.jobs import JobRunner
from dibwatch.web.limits import BodyLimit
from dibwatch.web.proof import ProofRecorder
from dibwatch.web.service import WorkspaceService
from dibwatch.web.settings import WebSettings
from dibwatch.web.state import AppState, state_path_for

API_ROUTERS = (session.router, match.router, screening.router, firms.router, lists.router,
               cases.router, monitoring.router, countries.router, xref.router)


def create_app(workspace_path: Path, state_path: Path | None = None, *,
               settings: WebSettings | None = None) -> FastAPI:
    """The web app over the workspace at ``workspace_path`` (opened now, held until
    shutdown) and the app state at ``state_path`` (default ``<workspace>.state.sqlite``)."""
    settings = settings or WebSettings()
    state_path = state_path or state_path_for(Path(workspace_path))
    state = AppState(state_path)
    service = WorkspaceService(Path(workspace_path), publish_to=settings.publish_to)
    jobs_dir = settings.jobs_dir or state_path.with_name(state_path.name + ".jobs")
    ctx = AppContext(state, service, settings, JobRunner(state, service, jobs_dir),
                     ProofRecorder(service))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.jobs.shutdown()
        ctx.proof.stop()
        service.close()
        for stop in settings.on_stop:
            stop()

    app = FastAPI(title="dibwatch", version=__version__, lifespan=lifespan,
                  description="Screening, firms, evidence, cases with an audit trail, and "
                              "monitoring alerts. Authenticate with a Bearer API token "
                              "(`dibwatch users token NAME`) or a browser session.")
    app.state.ctx = ctx
    errors.install(app)
    for router in API_ROUTERS:
        app.include_router(router)
    app.include_router(pages.router)
    app.include_router(xref_pages.router)
    static = Path(str(resources.files("dibwatch.web").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    return app
