"""The dashboard: server-rendered pages over the same services as the JSON API.

Pages use the browser session only (no tokens); every form that changes something carries
the session's CSRF token, checked by :func:`dibwatch.web.auth.current_principal`. Pages that
need a login redirect to it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from dibwatch import monitor
from dibwatch.casework import audit, cases
from dibwatch.casework.users import Role, Session, end_session, lookup_session
from dibwatch.errors import DibwatchError
from dibwatch.lists import store as list_store
from dibwatch.match.batch import make_query
from dibwatch.report import countries_page as countries_page_data
from dibwatch.resolve.corrections import merge_firms, split_firm
from dibwatch.risk import labels, read
from dibwatch.web import queries
from dibwatch.web.api.cases import record_decision
from dibwatch.web.api.firms import firm as firm_data
from dibwatch.web.api.firms import firms as firms_data
from dibwatch.web.api.lists import load_upload
from dibwatch.web.api.session import client_of, set_session_cookie
from dibwatch.web.auth import SESSION_COOKIE, Analyst, Principal, Viewer
from dibwatch.web.charts import bar_chart
from dibwatch.web.context import Ctx
from dibwatch.web.limits import MAX_PAGE_NUMBER, DbId, QueryId
from dibwatch.web.login import LoginRefused

router = APIRouter(include_in_schema=False)
TEMPLATES = Jinja2Templates(
    directory=str(resources.files("dibwatch.web").joinpath("templates")))
TEMPLATES.env.filters["flag"] = labels.flag_title
PAGE_SIZE = 50


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def page_session(request: Request, ctx: Ctx) -> Session:
    sid = request.cookies.get(SESSION_COOKIE)
    session = lookup_session(ctx.state, sid) if sid else None
    if session is None:
        raise LoginRequired(request.url.path)
    return session


PageSession = Annotated[Session, Depends(page_session)]


def render(request: Request, template: str, session: Session | None, **context: Any
           ) -> HTMLResponse:
    trail = request.app.state.ctx.trail.report
    return TEMPLATES.TemplateResponse(request, template, {
        "session": session, "csrf": session.csrf_token if session else "",
        "can_write": bool(session and session.user.role.value >= 2),
        "trail_break": str(trail.first) if session and not trail.ok else None, **context})


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", error: str | None = None) -> HTMLResponse:
    return render(request, "login.html", None, next=next, error=error)


@router.post("/login")
async def login_submit(ctx: Ctx, request: Request,
                       name: Annotated[str, Form(max_length=200)],
                       password: Annotated[str, Form(max_length=1000)],
                       next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    # Only local paths: a crafted ?next= must not send the user to another site.
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    try:
        done = await ctx.logins.attempt(name, password, client_of(request), "dashboard")
    except LoginRefused as exc:
        reason = {401: "1", 429: "locked", 503: "busy"}.get(exc.status, "1")
        return back(f"/login?next={quote(target)}&error={reason}")
    response = back(target)
    set_session_cookie(ctx, response, done.sid)
    return response


@router.post("/logout")
def logout(request: Request, ctx: Ctx, session: PageSession,
           csrf_token: Annotated[str, Form()] = "") -> Response:
    if csrf_token != session.csrf_token:
        raise HTTPException(403, "CSRF token missing or wrong")
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        end_session(ctx.state, sid)
    response = back("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, ctx: Ctx, session: PageSession) -> HTMLResponse:
    firms, shipments, snapshots, listed = ctx.service.query(queries.OVERVIEW_COUNTS)[0]
    tiers = ctx.service.query(queries.CHPL_BY_TIER)
    months = ctx.service.query(queries.MONTHLY_VALUE)
    with ctx.service.locked() as ws:
        run = read.latest_run(ws.engine)
    buckets = dict(ctx.service.query(queries.SCORE_HISTOGRAM, [run])) if run else {}
    charts = [
        bar_chart("CHPL value by tier (USD)", [(f"tier {t}", float(v)) for t, _, v in tiers]),
        bar_chart("CHPL value by month (USD)", [(m[2:], float(c)) for m, c, _ in months]),
        bar_chart("Firms by risk score", [(f"{b / 10:.1f}", float(buckets.get(b, 0)))
                                           for b in range(10)]),
    ]
    total_alerts, recent = monitor.list_alerts(ctx.state, limit=5)
    return render(request, "overview.html", session, charts=charts,
                  counts={"firms": firms, "shipments": shipments, "list snapshots": snapshots,
                          "firms with list matches": listed, "alerts": total_alerts},
                  alerts=recent)


@router.get("/ui/firms", response_class=HTMLResponse)
def firms_page(request: Request, ctx: Ctx, session: PageSession, q: str = "",
               country: str = "", flag: str = "", min_score: str = "", listed: bool = False,
               sort: str = "rank", page: int = Query(1, ge=1, le=MAX_PAGE_NUMBER)
               ) -> HTMLResponse:
    principal = Principal(session.user, "session", session.csrf_token)
    try:  # a form field: empty means no filter
        score = float(min_score) if min_score.strip() else None
    except ValueError:
        raise HTTPException(422, f"min_score must be a number, got {min_score!r}") from None
    if score is not None and not 0 <= score <= 1:
        raise HTTPException(422, f"min_score must be within [0, 1], got {score}")
    result = firms_data(principal, ctx, q=q or None, country=country or None,
                        flag=flag or None, min_score=score, listed=listed,
                        sort=sort if sort in queries.FIRM_SORTS else "rank",  # type: ignore[arg-type]
                        order=None, limit=PAGE_SIZE, offset=(max(page, 1) - 1) * PAGE_SIZE)
    pages = max(1, -(-result["total"] // PAGE_SIZE))
    return render(request, "firms.html", session, result=result, page=page, pages=pages,
                  filters={"q": q, "country": country, "flag": flag, "min_score": min_score,
                           "listed": listed, "sort": sort})


@router.get("/ui/firms/{firm_id}", response_class=HTMLResponse)
def firm_page(request: Request, ctx: Ctx, session: PageSession, firm_id: DbId
              ) -> HTMLResponse:
    principal = Principal(session.user, "session", session.csrf_token)
    data = firm_data(principal, ctx, firm_id)
    return render(request, "firm.html", session, firm=data, statuses=cases.STATUSES)


@router.post("/ui/firms/{firm_id}/decide")
def decide(ctx: Ctx, principal: Analyst, firm_id: DbId,
           entity_id: Annotated[str, Form(max_length=300)],
           verdict: Annotated[str, Form(pattern="^(confirm|dismiss)$")],
           note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    record_decision(ctx, principal.user.name, firm_id, entity_id, verdict, note or None)
    return back(f"/ui/firms/{firm_id}#matches")


@router.post("/ui/firms/{firm_id}/split")
def split_spelling(ctx: Ctx, principal: Analyst, firm_id: DbId,
                   name: Annotated[str, Form(min_length=1, max_length=1000)],
                   note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    with ctx.service.locked() as ws:
        split_firm(ws, ctx.state, firm_id, actor=principal.user.name, name=name,
                   note=note or None)
    return back(f"/ui/firms/{firm_id}#corrections")


@router.post("/ui/firms/{firm_id}/merge")
def merge_with(ctx: Ctx, principal: Analyst, firm_id: DbId,
               other_firm_id: Annotated[int, Form(ge=0, le=2**31 - 1)],
               note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    with ctx.service.locked() as ws:
        merge_firms(ws, ctx.state, firm_id, other_firm_id, actor=principal.user.name,
                    note=note or None)
    return back(f"/ui/firms/{firm_id}#corrections")


@router.post("/ui/firms/{firm_id}/case")
def update_case(ctx: Ctx, principal: Analyst, firm_id: DbId,
                status: Annotated[str, Form(pattern="^(open|investigating|escalated|closed)$")],
                assignee: Annotated[str, Form(max_length=200)] = "",
                note: Annotated[str, Form(max_length=20000)] = "") -> Response:
    caption = str(ctx.service.scalar("SELECT caption FROM firms WHERE firm_id = ?",
                                     [firm_id]) or "")
    if not caption:
        raise HTTPException(404, f"no firm {firm_id}")
    snaps = ctx.service.current_snapshot_ids()
    cases.update_case(ctx.state, actor=principal.user.name, firm_id=firm_id,
                      firm_caption=caption, status=status, assignee=assignee,
                      snapshots=snaps)
    if note.strip():
        cases.annotate(ctx.state, actor=principal.user.name, firm_id=firm_id,
                       firm_caption=caption, text=note, snapshots=snaps)
    return back(f"/ui/firms/{firm_id}#case")


@router.get("/ui/screen", response_class=HTMLResponse)
def screen_page(request: Request, ctx: Ctx, session: PageSession, name: str = "",
                country: str = "", schema: str = "") -> HTMLResponse:
    """The form (pre-filled from the query string). Screening is a POST: it writes a
    screening run, and a GET must change nothing."""
    return render(request, "screen.html", session, name=name[:1000], country=country[:100],
                  schema=schema[:50], hits=[], warnings=[], run_id=None, screened=False)


@router.post("/ui/screen", response_class=HTMLResponse)
def screen_submit(request: Request, ctx: Ctx, principal: Viewer, session: PageSession,
                  name: Annotated[str, Form(min_length=1, max_length=1000)],
                  country: Annotated[str, Form(max_length=100)] = "",
                  schema_: Annotated[str, Form(alias="schema", max_length=50)] = ""
                  ) -> HTMLResponse:
    schema = schema_
    query, warnings = make_query(name, country=country or None, schema=schema or None)
    screener = ctx.service.screener()
    run = screener.screen([query], top=10, record=False, workers=1)
    run_id = ctx.proof.record(run, 10, f"dashboard {principal.user.name}").run_id
    return render(request, "screen.html", session, name=name, country=country,
                  schema=schema, hits=run.results[0].hits, warnings=warnings, run_id=run_id,
                  screened=True)


@router.post("/ui/screen/upload")
def screen_upload(ctx: Ctx, principal: Analyst, file: Annotated[UploadFile, File()]
                  ) -> Response:
    job = ctx.jobs.submit_screening(actor=principal.user.name,
                                    filename=file.filename or "upload",
                                    data=file.file, top=5, threshold=None)
    return back(f"/ui/jobs/{job.job_id}")


@router.get("/ui/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, ctx: Ctx, session: PageSession, job_id: str) -> HTMLResponse:
    job = ctx.jobs.get_for(job_id, session.user.name, admin=session.user.role >= Role.admin)
    return render(request, "job.html", session, job=job)


@router.get("/ui/lists", response_class=HTMLResponse)
def lists_page(request: Request, ctx: Ctx, session: PageSession, source: str = "",
               old: QueryId = None, new: QueryId = None) -> HTMLResponse:
    with ctx.service.locked() as ws:
        snaps = list_store.list_snapshots(ws.engine)
        diff = None
        error = None
        if source:
            try:
                if old is None or new is None:
                    old, new = list_store.default_diff_pair(ws.engine, source)
                diff = list_store.diff_snapshots(ws.engine, old, new)
            except DibwatchError as exc:
                error = str(exc)
    sources = sorted({s.source for s in snaps})
    return render(request, "lists.html", session, snapshots=snaps, sources=sources,
                  source=source, diff=diff, error=error)


@router.post("/ui/lists/load")
def lists_load(ctx: Ctx, principal: Analyst, file: Annotated[UploadFile, File()],
               source: Annotated[str, Form(max_length=100)] = "",
               format: Annotated[str, Form(max_length=50)] = "") -> Response:
    result = load_upload(ctx, file, principal.user.name, source or None, format or None)
    return back(f"/ui/alerts?loaded={result['snapshot']['snapshot_id']}")


@router.get("/ui/countries", response_class=HTMLResponse)
def countries_page(request: Request, ctx: Ctx, session: PageSession) -> HTMLResponse:
    # The report's country page, drawn the same way (static SVG charts and their tables).
    with ctx.service.locked() as ws:
        page = (countries_page_data.build_countries_page(ws.engine)
                if countries_page_data.available(ws.engine) else None)
    return render(request, "countries.html", session, page=page)


@router.get("/ui/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, ctx: Ctx, session: PageSession, kind: str = "",
                loaded: QueryId = None) -> HTMLResponse:
    total, rows = monitor.list_alerts(ctx.state, kind=kind or None, limit=200)
    return render(request, "alerts.html", session, alerts=rows, total=total,
                  kinds=monitor.ALERT_KINDS, kind=kind, loaded=loaded)


@router.get("/ui/audit", response_class=HTMLResponse)
def audit_page(request: Request, ctx: Ctx, session: PageSession,
               page: int = Query(1, ge=1, le=MAX_PAGE_NUMBER)
               ) -> HTMLResponse:
    total, rows = audit.entries(ctx.state, limit=PAGE_SIZE,
                                offset=(max(page, 1) - 1) * PAGE_SIZE)
    return render(request, "audit.html", session, entries=rows, total=total, page=page,
                  pages=max(1, -(-total // PAGE_SIZE)), dumps=json.dumps,
                  trail=ctx.trail.report)

