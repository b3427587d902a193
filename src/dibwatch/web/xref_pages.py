"""Dashboard pages of designation intelligence: the designations page (the report's, with
its charts), parties, one party with its evidence, and the analysts' queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from dibwatch.report import designations as designations_page
from dibwatch.web.api.xref import (
    PairDecisionIn,
    cluster_detail,
    cluster_page,
    countries_param,
    queue_page,
    record_pair_decision,
)
from dibwatch.web.auth import Analyst
from dibwatch.web.context import Ctx
from dibwatch.web.limits import MAX_PAGE_NUMBER
from dibwatch.web.pages import PAGE_SIZE, PageSession, back, render

router = APIRouter(include_in_schema=False)


@router.get("/ui/designations", response_class=HTMLResponse)
def designations(request: Request, ctx: Ctx, session: PageSession,
                 country: str = Query("CN,HK", max_length=200)) -> HTMLResponse:
    codes = countries_param(country) or ["cn", "hk"]
    with ctx.service.locked() as ws:
        page = (designations_page.build_designations_page(ws.engine, countries=codes)
                if designations_page.available(ws.engine) else None)
    return render(request, "designations.html", session, page=page, country=country)


@router.get("/ui/designations/parties", response_class=HTMLResponse)
def parties_page(request: Request, ctx: Ctx, session: PageSession, q: str = "",
                 country: str = "", family: str = "", multi: bool = False,
                 page: int = Query(1, ge=1, le=MAX_PAGE_NUMBER)) -> HTMLResponse:
    result = cluster_page(ctx, q=q or None, country=country or None, family=family or None,
                          authority=None, schema=None, multi=multi, limit=PAGE_SIZE,
                          offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-result["total"] // PAGE_SIZE))
    return render(request, "xref_parties.html", session, result=result, page=page,
                  pages=pages, filters={"q": q, "country": country, "family": family,
                                        "multi": multi})


@router.get("/ui/designations/parties/{cluster_id}", response_class=HTMLResponse)
def party_page(request: Request, ctx: Ctx, session: PageSession, cluster_id: str
               ) -> HTMLResponse:
    return render(request, "xref_party.html", session, data=cluster_detail(ctx, cluster_id))


@router.get("/ui/designations/queue", response_class=HTMLResponse)
def queue(request: Request, ctx: Ctx, session: PageSession, country: str = "",
          page: int = Query(1, ge=1, le=MAX_PAGE_NUMBER)) -> HTMLResponse:
    result = queue_page(ctx, country=country or None, limit=PAGE_SIZE,
                        offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-result["total"] // PAGE_SIZE))
    return render(request, "xref_queue.html", session, result=result, page=page, pages=pages,
                  country=country)


@router.post("/ui/designations/decide")
def decide(ctx: Ctx, principal: Analyst,
           entity_a: Annotated[str, Form(max_length=300)],
           entity_b: Annotated[str, Form(max_length=300)],
           verdict: Annotated[str, Form(pattern="^(confirm|dismiss)$")],
           note: Annotated[str, Form(max_length=5000)] = "",
           next: Annotated[str, Form(max_length=500)] = "/ui/designations/queue") -> Response:
    body = PairDecisionIn(entity_a=entity_a, entity_b=entity_b,
                          verdict=verdict,  # type: ignore[arg-type]
                          note=note or None)
    record_pair_decision(ctx, principal.user.name, body)
    if not next.startswith("/") or next.startswith("//"):
        raise HTTPException(400, "next must be a local path")
    return back(next)
