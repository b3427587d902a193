"""Cases: decide on a firm's list matches, annotate, assign, set a status; the audit log."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from dibwatch.casework import audit, cases, trail
from dibwatch.match.algorithm import DibwatchV1
from dibwatch.web import queries
from dibwatch.web.auth import Admin, Analyst, Viewer
from dibwatch.web.context import AppContext, Ctx
from dibwatch.web.limits import MAX_OFFSET, DbId

router = APIRouter(tags=["Cases and audit"])
ALGORITHM = f"{DibwatchV1.name}/{DibwatchV1.version}"


class DecisionIn(BaseModel):
    entity_id: str = Field(..., min_length=1, max_length=300)
    verdict: Literal["confirm", "dismiss"]
    note: str | None = Field(None, max_length=5000)


class CaseUpdate(BaseModel):
    status: Literal["open", "investigating", "escalated", "closed"] | None = None
    assignee: str | None = Field(None, max_length=200, description="'' unassigns")


class NoteIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=20000)


def firm_caption(ctx: AppContext, firm_id: int) -> str:
    rows = ctx.service.query("SELECT caption FROM firms WHERE firm_id = ?", [firm_id])
    if not rows:
        raise HTTPException(404, f"no firm {firm_id}")
    return str(rows[0][0])


def record_decision(ctx: AppContext, actor: str, firm_id: int, entity_id: str, verdict: str,
                    note: str | None) -> cases.Decision:
    caption = firm_caption(ctx, firm_id)
    rows = ctx.service.query(queries.ENTITY_CURRENT, [entity_id])
    if not rows:
        raise HTTPException(404, f"no list entity {entity_id!r}")
    eid, _, content_hash, snapshot_id, source = rows[0]
    score = ctx.service.scalar("SELECT max(score) FROM firm_screening WHERE firm_id = ? AND "
                               "entity_id = ?", [firm_id, eid])
    return cases.decide(ctx.state, actor=actor, firm_id=firm_id, firm_caption=caption,
                        entry=cases.ListEntry(str(eid), str(content_hash), int(snapshot_id),
                                              str(source)),
                        verdict=verdict, algorithm=ALGORITHM,
                        score=float(score) if score is not None else None, note=note,
                        snapshots=ctx.service.current_snapshot_ids())


@router.get("/cases", summary="Cases, newest activity first")
def list_cases(principal: Viewer, ctx: Ctx, status: str | None = None, assignee: str | None = None,
               limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_OFFSET)
               ) -> dict[str, Any]:
    total, rows = cases.list_cases(ctx.state, status=status, assignee=assignee, limit=limit,
                                   offset=offset)
    return {"total": total, "results": [asdict(c) for c in rows]}


@router.get("/cases/links", summary="Confirmed firm × list entity links (used by risk)")
def links(principal: Viewer, ctx: Ctx) -> dict[str, Any]:
    return {"links": [{"firm_id": f, "entity_id": e}
                      for f, e in cases.confirmed_links(ctx.state)]}


@router.get("/cases/{firm_id}", summary="A firm's case: status, decisions, notes")
def get_case(principal: Viewer, ctx: Ctx, firm_id: DbId) -> dict[str, Any]:
    caption = firm_caption(ctx, firm_id)
    case = cases.get_case(ctx.state, firm_id)
    decided = cases.decisions_in_force(ctx.state, firm_id)
    problems = cases.decision_problems(ctx.state, [d.decision_id for d in decided.values()])
    return {"firm_id": firm_id, "firm_caption": caption,
            "case": asdict(case) if case else None,
            "decisions": [{**asdict(d), "verified": problems[d.decision_id] is None,
                           "problem": problems[d.decision_id]} for d in decided.values()],
            "notes": cases.notes(ctx.state, firm_id)}


@router.post("/cases/{firm_id}/decisions", status_code=201,
             summary="Confirm or dismiss a firm's match with a list entity")
def decide(principal: Analyst, ctx: Ctx, firm_id: DbId, body: DecisionIn) -> dict[str, Any]:
    return asdict(record_decision(ctx, principal.user.name, firm_id, body.entity_id,
                                  body.verdict, body.note))


@router.patch("/cases/{firm_id}", summary="Set a case's status and/or assignee")
def update(principal: Analyst, ctx: Ctx, firm_id: DbId, body: CaseUpdate) -> dict[str, Any]:
    if body.status is None and body.assignee is None:
        raise HTTPException(400, "give a status and/or an assignee")
    case = cases.update_case(ctx.state, actor=principal.user.name, firm_id=firm_id,
                             firm_caption=firm_caption(ctx, firm_id), status=body.status,
                             assignee=body.assignee,
                             snapshots=ctx.service.current_snapshot_ids())
    return asdict(case)


@router.post("/cases/{firm_id}/notes", status_code=201, summary="Annotate a firm's case")
def add_note(principal: Analyst, ctx: Ctx, firm_id: DbId, body: NoteIn) -> dict[str, Any]:
    note_id = cases.annotate(ctx.state, actor=principal.user.name, firm_id=firm_id,
                             firm_caption=firm_caption(ctx, firm_id), text=body.text,
                             snapshots=ctx.service.current_snapshot_ids())
    return {"note_id": note_id}


@router.get("/audit", summary="The audit log, newest first (read-only)")
def audit_log(principal: Viewer, ctx: Ctx,
              object_type: str | None = None, object_id: str | None = None,
              limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)
              ) -> dict[str, Any]:
    total, rows = audit.entries(ctx.state, object_type=object_type, object_id=object_id,
                                limit=limit, offset=offset)
    return {"total": total, "trail": ctx.trail.report.to_json(),
            "results": [asdict(r) for r in rows]}


@router.get("/audit/verify", summary="Walk the audit and decision hash chains now (admin)")
def audit_verify(principal: Admin, ctx: Ctx,
                 anchor: Annotated[list[str], Query(max_length=10)] = []  # noqa: B006
                 ) -> dict[str, Any]:
    """Every break in the chains, first first; ``anchor`` (``ID:HASH``, repeatable) values
    recorded earlier must still be in the chain."""
    if anchor:
        with ctx.state.connect() as con:
            return trail.verify(con, anchors=anchor).to_json()
    return ctx.trail.refresh().to_json()
