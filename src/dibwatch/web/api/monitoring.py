"""Alerts, watched parties and an on-demand monitor check."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from dibwatch import monitor
from dibwatch.casework import audit
from dibwatch.monitor.alerts import set_status
from dibwatch.web.auth import Analyst, Viewer
from dibwatch.web.context import Ctx
from dibwatch.web.limits import MAX_OFFSET, DbId, QueryId

router = APIRouter(tags=["Monitoring"])


class WatchIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=1000)
    country: str | None = Field(None, max_length=100)
    identifier: str | None = Field(None, max_length=200, description="SCHEME:VALUE")
    schema_: str | None = Field(None, alias="schema", max_length=50)


class AlertStatus(BaseModel):
    status: Literal["new", "acknowledged", "closed"]


@router.get("/alerts", summary="Alerts, newest first")
def alerts(principal: Viewer, ctx: Ctx,
           status: str | None = None, kind: str | None = None, firm_id: QueryId = None,
           limit: int = Query(100, ge=1, le=1000),
           offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> dict[str, Any]:
    total, rows = monitor.list_alerts(ctx.state, status=status, kind=kind, firm_id=firm_id,
                                      limit=limit, offset=offset)
    return {"total": total, "kinds": monitor.ALERT_KINDS,
            "results": [a.to_json() for a in rows]}


@router.get("/alerts/{alert_id}")
def alert(principal: Viewer, ctx: Ctx, alert_id: DbId) -> dict[str, Any]:
    found = monitor.get_alert(ctx.state, alert_id)
    if found is None:
        raise HTTPException(404, f"no alert {alert_id}")
    return found.to_json()


@router.post("/alerts/{alert_id}/status", summary="Acknowledge or close an alert")
def alert_status(principal: Analyst, ctx: Ctx, alert_id: DbId, body: AlertStatus) -> dict[str, Any]:
    if monitor.get_alert(ctx.state, alert_id) is None:
        raise HTTPException(404, f"no alert {alert_id}")
    with ctx.state.transaction() as con:
        set_status(con, alert_id, body.status)
        audit.append(con, actor=principal.user.name, action="alert.status",
                     object_type="alert", object_id=str(alert_id),
                     detail={"status": body.status})
    found = monitor.get_alert(ctx.state, alert_id)
    assert found is not None
    return found.to_json()


@router.post("/monitor/check", summary="Re-screen firms and watched parties now")
def check(principal: Analyst, ctx: Ctx) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        raised = monitor.check(ws, ctx.state, settings=ctx.settings.monitor,
                               screener=ctx.service.screener())
    with ctx.state.transaction() as con:
        audit.append(con, actor=principal.user.name, action="monitor.check",
                     object_type="monitor", object_id="check", detail={"alerts": len(raised)},
                     snapshots=ctx.service.current_snapshot_ids())
    return {"alerts": [a.to_json() for a in raised]}


@router.get("/watched", summary="Watched parties")
def watched(principal: Viewer, ctx: Ctx) -> dict[str, Any]:
    return {"results": [asdict(w) for w in monitor.list_watched(ctx.state)]}


@router.post("/watched", status_code=201, summary="Watch a party: re-screened at every check")
def watch(principal: Analyst, ctx: Ctx, body: WatchIn) -> dict[str, Any]:
    party = monitor.add_watched(ctx.state, actor=principal.user.name, name=body.name,
                                country=body.country, identifier=body.identifier,
                                schema=body.schema_)
    return asdict(party)
