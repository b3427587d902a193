"""Firms (the ranking, filtered and paginated; one firm with its flags, evidence rows,
counterparties, list matches, network neighbourhood and case) and shipments."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from dibwatch.casework import cases
from dibwatch.graph import FirmGraph, neighbourhood, to_cytoscape
from dibwatch.resolve.corrections import merge_firms, split_firm
from dibwatch.resolve.read import counterparties, evidence_text, joined_by, kept_apart
from dibwatch.risk import read
from dibwatch.risk.rank import COLUMNS
from dibwatch.web import queries
from dibwatch.web.auth import Analyst, Viewer
from dibwatch.web.context import AppContext, Ctx
from dibwatch.web.limits import MAX_OFFSET, DbId, QueryId
from dibwatch.web.service import WorkspaceService

router = APIRouter(tags=["Firms and shipments"])
EVIDENCE_PER_FLAG = 25
MAX_PAGE = 500


def latest_run(service: WorkspaceService) -> int:
    with service.locked() as ws:
        run = read.latest_run(ws.engine)
    if run is None:
        raise HTTPException(404, "no risk run in this workspace: run `dibwatch rank` first")
    return int(run)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@router.get("/firms", summary="The ranked firm table, filtered, sorted and paginated")
def firms(principal: Viewer, ctx: Ctx,
          q: str | None = Query(None, max_length=200, description="text in a name or id"),
          country: str | None = Query(None, min_length=2, max_length=2),
          flag: str | None = Query(None, description="only firms with this indicator"),
          min_score: float | None = Query(None, ge=0, le=1),
          listed: bool = Query(False, description="only firms with list matches"),
          sort: Literal["rank", "score", "chpl_value_usd", "caption", "country",
                        "firm_id"] = "rank",
          order: Literal["asc", "desc"] | None = None,
          limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0, le=MAX_OFFSET)
          ) -> dict[str, Any]:
    run = latest_run(ctx.service)
    descending = order == "desc" if order else sort in ("score", "chpl_value_usd")
    params: dict[str, Any] = {"run_id": run, "limit": None, "q": queries.like_text(q or None),
                              "country": country.upper() if country else None,
                              "flag": flag or None, "min_score": min_score, "listed": listed}
    total = int(ctx.service.scalar(queries.FIRMS_COUNT, params))
    rows = ctx.service.query(queries.firms_page(sort, descending),
                             {**params, "page_size": limit, "page_offset": offset})
    return {"run_id": run, "total": total, "limit": limit, "offset": offset,
            "results": [dict(zip(COLUMNS, r, strict=True)) for r in rows]}


def firm_matches(ctx: AppContext, firm_id: int) -> list[dict[str, Any]]:
    """The firm's list matches, each with the decision in force and whether a dismissal of
    the unchanged list entry hides it."""
    decided = cases.decisions_in_force(ctx.state, firm_id)
    out = []
    for (entity_id, score, matched_name, run_id, explanation, caption, source, snapshot_id,
         content_hash) in ctx.service.query(queries.FIRM_MATCHES, [firm_id]):
        decision = decided.get((firm_id, entity_id))
        out.append({
            "entity_id": entity_id, "caption": caption, "source": source,
            "snapshot_id": snapshot_id, "content_hash": content_hash, "score": score,
            "matched_name": matched_name, "screening_run": run_id,
            "explanation": _json(explanation),
            "decision": decision.verdict if decision else None,
            "decided_by": decision.decided_by if decision else None,
            "suppressed": bool(decision and content_hash
                               and decision.suppresses(content_hash))})
    return out


def _firm_row(ctx: AppContext, firm_id: int, run: int | None) -> tuple[Any, ...]:
    rows = ctx.service.query(queries.FIRM, [run, firm_id])
    if not rows:
        raise HTTPException(404, f"no firm {firm_id}")
    return rows[0]


@router.get("/firms/{firm_id}", summary="One firm: flags with evidence, counterparties, "
                                        "list matches, case")
def firm(principal: Viewer, ctx: Ctx, firm_id: DbId) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        run = read.latest_run(ws.engine)
        partners = counterparties(ws.engine, firm_id)
        links = [{**asdict(k), "evidence": evidence_text(k)}
                 for k in joined_by(ws.engine, firm_id)]
        apart = [asdict(k) for k in kept_apart(ws.engine, firm_id)]
    (fid, caption, country, ids, roles, members, mentions, first, last, rank, score,
     contributions) = _firm_row(ctx, firm_id, run)
    flags = [{"flag_no": r[0], "indicator": r[1], "version": r[2], "score": r[3],
              "value": r[4], "detail": _json(r[5]), "evidence": []}
             for r in ctx.service.query(queries.FIRM_FLAGS, [run, firm_id])] if run else []
    by_no = {f["flag_no"]: f for f in flags}
    if flags:
        for row in ctx.service.query(queries.FLAG_EVIDENCE,
                                     [run, list(by_no), EVIDENCE_PER_FLAG]):
            flag_no, load_id, line_no, entity_id, *rest = row
            item: dict[str, Any] = {"load_id": load_id, "line_no": line_no,
                                    "entity_id": entity_id}
            if load_id is not None:
                item.update(zip(("date", "declaration_id", "hs_code", "description",
                                 "value_usd", "exporter_name", "importer_name",
                                 "origin_country", "dispatch_country", "destination_country",
                                 "chpl_tier"), rest, strict=True))
            by_no[flag_no]["evidence"].append(item)
    members_rows = [dict(zip(("name", "address", "country", "id_value", "roles",
                              "shipment_count", "match_probability"), r, strict=True))
                    for r in ctx.service.query(queries.FIRM_MEMBERS, [firm_id])]
    partner_rows = [{**asdict(c), "roles": ", ".join(c.their_roles)} for c in partners]
    case = cases.get_case(ctx.state, firm_id)
    return {"firm_id": fid, "caption": caption, "country": country, "ids": list(ids or []),
            "roles": list(roles or []), "member_count": members, "mention_count": mentions,
            "first_seen": first, "last_seen": last, "risk_run": run, "rank": rank,
            "score": score, "contributions": _json(contributions) or {}, "flags": flags,
            "members": members_rows, "counterparties": partner_rows,
            "joined_by": links, "kept_apart": apart,
            "list_matches": firm_matches(ctx, firm_id),
            "case": case.__dict__ if case else None,
            "notes": cases.notes(ctx.state, firm_id)}


@router.get("/firms/{firm_id}/network",
            summary="The firm's network neighbourhood as Cytoscape.js elements")
def firm_network(principal: Viewer, ctx: Ctx, firm_id: DbId, hops: int = Query(1, ge=1, le=3),
                 max_nodes: int = Query(150, ge=10, le=1000)) -> dict[str, Any]:
    graph = ctx.service.graph()
    if firm_id not in graph:
        raise HTTPException(404, f"no firm {firm_id}")
    sub = neighbourhood(graph, firm_id, hops)
    while len(sub) > max_nodes and hops > 1:  # a hub's 2-hop world is unreadable: shrink
        hops -= 1
        sub = neighbourhood(graph, firm_id, hops)
    total = len(sub)
    if total > max_nodes:
        sub = strongest_neighbours(sub, firm_id, max_nodes)
    out = to_cytoscape(sub)
    out["data"].update(center=f"f{firm_id}", hops=hops, neighbourhood_firms=total)
    return out


def strongest_neighbours(graph: FirmGraph, firm_id: int, keep: int) -> FirmGraph:
    """The firm and its ``keep - 1`` neighbours with the most trade value on their edges
    with it (ties by firm id), and every edge among those."""
    weight: dict[int, float] = {}
    for s, t, edge in graph.edges():
        if firm_id in (s, t) and s != t:
            other = t if s == firm_id else s
            weight[other] = weight.get(other, 0.0) + edge.value_usd + 1e-9
    chosen = {firm_id, *sorted(weight, key=lambda f: (-weight[f], f))[:keep - 1]}
    out = FirmGraph()
    for fid in sorted(chosen):
        out.add_firm(graph.firm(fid))
    for s, t, edge in graph.edges():
        if s in chosen and t in chosen:
            out.add_edge(s, t, edge)
    return out


@router.get("/shipments", summary="Shipment lines, filtered and paginated")
def shipments(principal: Viewer, ctx: Ctx, firm_id: QueryId = None,
              hs: str | None = Query(None, pattern=r"^\d{2,10}$",
                                     description="HS code prefix, digits"),
              chpl_tier: str | None = Query(None, max_length=4),
              country: str | None = Query(None, min_length=2, max_length=2,
                                          description="in any country field"),
              date_from: date | None = None, date_to: date | None = None,
              q: str | None = Query(None, max_length=200),
              limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0, le=MAX_OFFSET)
              ) -> dict[str, Any]:
    params: dict[str, Any] = {
        "firm_id": firm_id, "hs": hs, "tier": chpl_tier,
        "country": country.upper() if country else None,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None, "q": queries.like_text(q or None)}
    total = int(ctx.service.scalar(queries.SHIPMENTS_COUNT, params))
    rows = ctx.service.query(queries.SHIPMENTS_PAGE,
                             {**params, "page_size": limit, "page_offset": offset})
    return {"total": total, "limit": limit, "offset": offset,
            "results": [dict(zip(queries.SHIPMENT_COLUMNS, r, strict=True)) for r in rows]}


class SplitRequest(BaseModel):
    name: str | None = Field(None, max_length=1000, description="the spelling to split off")
    mention_id: int | None = Field(None, ge=0, le=2**31 - 1, description="or one mention")
    note: str | None = Field(None, max_length=5000)


class MergeRequest(BaseModel):
    other_firm_id: int = Field(..., ge=0, le=2**31 - 1)
    note: str | None = Field(None, max_length=5000)


@router.post("/firms/{firm_id}/split", summary="Split a spelling off a firm (kept for every "
                                               "later resolution; audited)")
def split(principal: Analyst, ctx: Ctx, firm_id: DbId, body: SplitRequest) -> dict[str, Any]:
    if (body.name is None) == (body.mention_id is None):
        raise HTTPException(422, "give name or mention_id")
    with ctx.service.locked() as ws:
        count = split_firm(ws, ctx.state, firm_id, actor=principal.user.name, name=body.name,
                           mention_id=body.mention_id, note=body.note)
    return {"firm_id": firm_id, "spellings_split": count,
            "takes_effect": "at the next resolution (dibwatch trade resolve or update)"}


@router.post("/firms/{firm_id}/merge", summary="Merge two firms that are one (kept for every "
                                               "later resolution; audited)")
def merge(principal: Analyst, ctx: Ctx, firm_id: DbId, body: MergeRequest) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        merge_firms(ws, ctx.state, firm_id, body.other_firm_id, actor=principal.user.name,
                    note=body.note)
    return {"firm_id": firm_id, "merged_with": body.other_firm_id,
            "takes_effect": "at the next resolution (dibwatch trade resolve or update)"}
