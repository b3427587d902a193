"""Designation intelligence: parties across authorities, their designations, the analysts'
queue of borderline pairs, coverage, gaps and the timeline (``dibwatch.xref``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from dibwatch.errors import ConfigError
from dibwatch.web.auth import Analyst, Viewer
from dibwatch.web.context import AppContext, Ctx
from dibwatch.web.limits import MAX_OFFSET
from dibwatch.xref import store
from dibwatch.xref.coverage import (
    SCHEMA_GROUPS,
    Party,
    authority_vintages,
    coverage_summary,
    gaps,
    parties,
    require_run,
    timeline,
)
from dibwatch.xref.decisions import decide_pair, history, pair_entry
from dibwatch.xref.export import party_rows

router = APIRouter(tags=["Designations"])


def countries_param(value: str | None) -> list[str] | None:
    if not value:
        return None
    codes = [c.strip().lower() for c in value.split(",") if c.strip()]
    if any(len(c) != 2 or not c.isalpha() for c in codes):
        raise HTTPException(422, f"country takes ISO-2 codes separated by commas: {value!r}")
    return codes


def schema_param(value: str) -> tuple[str, ...]:
    if value not in SCHEMA_GROUPS:
        raise HTTPException(422, f"schema must be one of {', '.join(SCHEMA_GROUPS)}")
    return SCHEMA_GROUPS[value]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@router.get("/xref", summary="The stored cross-referencing run: counts and data dates")
def summary(principal: Viewer, ctx: Ctx) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        run = require_run(ws.engine)
        counts = store.query(ws.engine, """
            SELECT count(*) AS clusters, count(*) FILTER (WHERE member_count > 1) AS joined,
                   count(*) FILTER (WHERE len(authorities) > 1) AS multi_authority,
                   count(*) FILTER (WHERE conflicts IS NOT NULL) AS conflicts
            FROM xref_clusters""")[0]
        vintages = authority_vintages(ws.engine)
    return {"run": asdict(run), "counts": counts, "data_as_of": vintages}


def cluster_page(ctx: AppContext, *, q: str | None, country: str | None, family: str | None,
                 authority: str | None, schema: str | None, multi: bool, limit: int,
                 offset: int) -> dict[str, Any]:
    codes = countries_param(country)
    schemas = list(schema_param(schema)) if schema else None
    params = [codes, codes, family, family, authority, authority, schemas, schemas, q, q,
              multi]
    with ctx.service.locked() as ws:
        require_run(ws.engine)
        total = int(ws.engine.scalar(store.CLUSTER_COUNT, params))
        rows = store.query(ws.engine, store.CLUSTERS, [*params, limit, offset])
    for r in rows:
        r["conflicts"] = _json(r["conflicts"])
    return {"total": total, "limit": limit, "offset": offset, "results": rows}


@router.get("/xref/clusters", summary="Parties (clusters of list entries), largest first")
def clusters(principal: Viewer, ctx: Ctx, q: str | None = Query(None, max_length=200),
             country: str | None = Query(None, max_length=200),
             family: str | None = Query(None, max_length=50),
             authority: Literal["US", "EU", "UK", "UN"] | None = None,
             schema: str | None = Query(None, max_length=20), multi: bool = False,
             limit: int = Query(50, ge=1, le=500),
             offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> dict[str, Any]:
    return cluster_page(ctx, q=q, country=country, family=family, authority=authority,
                        schema=schema, multi=multi, limit=limit, offset=offset)


def cluster_detail(ctx: AppContext, cluster_id: str) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        require_run(ws.engine)
        found = store.query(ws.engine, store.CLUSTER, [cluster_id])
        if not found:
            raise HTTPException(404, f"no party {cluster_id!r} in the cross-referencing run")
        members = store.query(ws.engine, store.CLUSTER_MEMBERS, [cluster_id])
        designations = store.query(ws.engine, store.CLUSTER_DESIGNATIONS, [cluster_id])
        listings = store.query(ws.engine, store.CLUSTER_LISTINGS, [cluster_id])
        links = store.query(ws.engine, store.CLUSTER_LINKS, [cluster_id, cluster_id])
    cluster = found[0]
    cluster["conflicts"] = _json(cluster["conflicts"])
    for m in members:
        m["sectors"] = _json(m["sectors"]) or []
    inside = {m["entity_id"] for m in members}
    for link in links:
        link["evidence"] = _json(link["evidence"])
        link["inside"] = link["entity_a"] in inside and link["entity_b"] in inside
    return {"cluster": cluster, "members": members, "listings": listings,
            "designations": designations, "links": links}


@router.get("/xref/clusters/{cluster_id}",
            summary="One party: its entries, who listed it when, and the evidence joining it")
def cluster(principal: Viewer, ctx: Ctx, cluster_id: str) -> dict[str, Any]:
    return cluster_detail(ctx, cluster_id)


def queue_page(ctx: AppContext, *, country: str | None, limit: int, offset: int
               ) -> dict[str, Any]:
    codes = countries_param(country)
    with ctx.service.locked() as ws:
        require_run(ws.engine)
        total = int(ws.engine.scalar(store.QUEUE_COUNT, [codes, codes]))
        rows = store.query(ws.engine, store.QUEUE, [codes, codes, limit, offset])
    for r in rows:
        r["evidence"] = _json(r["evidence"])
    return {"total": total, "limit": limit, "offset": offset, "results": rows}


@router.get("/xref/queue", summary="Borderline pairs waiting for an analyst, best score first")
def queue(principal: Viewer, ctx: Ctx, country: str | None = Query(None, max_length=200),
          limit: int = Query(50, ge=1, le=500),
          offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> dict[str, Any]:
    return queue_page(ctx, country=country, limit=limit, offset=offset)


class PairDecisionIn(BaseModel):
    entity_a: str = Field(..., min_length=1, max_length=300)
    entity_b: str = Field(..., min_length=1, max_length=300)
    verdict: Literal["confirm", "dismiss"]
    note: str | None = Field(None, max_length=5000)


def record_pair_decision(ctx: AppContext, actor: str, body: PairDecisionIn) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        entry = pair_entry(ws.engine, body.entity_a, body.entity_b)
    decision = decide_pair(ctx.state, actor=actor, entry=entry, verdict=body.verdict,
                           note=body.note)
    return {**asdict(decision),
            "takes_effect": "at the next `dibwatch lists xref` (re-clusters without "
                            "re-matching)"}


@router.post("/xref/decisions", status_code=201,
             summary="Confirm or dismiss that two list entries are the same party (audited)")
def decide(principal: Analyst, ctx: Ctx, body: PairDecisionIn) -> dict[str, Any]:
    try:
        return record_pair_decision(ctx, principal.user.name, body)
    except ConfigError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/xref/decisions", summary="Every decision on one pair, oldest first")
def decisions(principal: Viewer, ctx: Ctx, entity_a: str = Query(..., max_length=300),
              entity_b: str = Query(..., max_length=300)) -> dict[str, Any]:
    return {"decisions": [asdict(d) for d in history(ctx.state, entity_a, entity_b)]}


def _party(p: Party) -> dict[str, Any]:
    return {"cluster_id": p.cluster_id, "caption": p.caption, "schema": p.schema,
            "countries": list(p.countries), "sectors": list(p.sectors),
            "chpl_relevant": p.chpl_relevant,
            "listings": {b: asdict(r) for b, r in p.listings.items()}}


@router.get("/xref/coverage",
            summary="Which authorities list the parties of some countries, the gaps and the "
                    "monthly timeline since 2022-02-24")
def coverage(principal: Viewer, ctx: Ctx, country: str | None = Query(None, max_length=200),
             schema: str = Query("firms", max_length=20),
             family: str | None = Query(None, max_length=50),
             rows: bool = Query(False, description="Also one row per party")
             ) -> dict[str, Any]:
    codes = countries_param(country)
    schemas = schema_param(schema)
    with ctx.service.locked() as ws:
        selected = parties(ws.engine, countries=codes, schemas=schemas, family=family)
        found = gaps(ws.engine, selected)
        vintages = authority_vintages(ws.engine)
    months, series = timeline(selected)
    out: dict[str, Any] = {
        "countries": codes, "schema": schema, "family": family, "data_as_of": vintages,
        "party_count": len(selected),
        "summary": {k: {b: asdict(c) for b, c in row.items()}
                    for k, row in coverage_summary(selected, codes or []).items()},
        "gaps": [{"party": _party(g.party), "listed_by": g.listed_by,
                  "listed_on": g.listed_on, "absent_from": g.absent_from, "status": g.status,
                  "absent_data_as_of": g.absent_data_as_of} for g in found],
        "timeline": {"months": months, "series": series},
    }
    if rows:
        out["parties"] = party_rows(selected, found)
    return out
