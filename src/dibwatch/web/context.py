"""What every request handler reaches through ``request.app.state.ctx``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from dibwatch.casework.state import AppState
from dibwatch.monitor.webhook import WebhookSender
from dibwatch.web.integrity import TrailWatch
from dibwatch.web.jobs import JobRunner
from dibwatch.web.login import LoginService
from dibwatch.web.proof import ProofRecorder
from dibwatch.web.service import WorkspaceService
from dibwatch.web.settings import WebSettings


@dataclass
class AppContext:
    state: AppState
    service: WorkspaceService
    settings: WebSettings
    jobs: JobRunner
    proof: ProofRecorder
    logins: LoginService
    webhook: WebhookSender
    trail: TrailWatch


async def get_ctx(request: Request) -> AppContext:
    # async: no thread hop for a dictionary read (a login flood must not queue on threads)
    ctx = request.app.state.ctx
    assert isinstance(ctx, AppContext)
    return ctx


Ctx = Annotated[AppContext, Depends(get_ctx)]
