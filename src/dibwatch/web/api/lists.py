"""List snapshots, diffs and entities; loading a new snapshot (then the monitor checks)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile

from dibwatch.lists import store
from dibwatch.lists.loader import parse_list
from dibwatch.pipeline import services
from dibwatch.web.auth import Analyst, Viewer
from dibwatch.web.context import AppContext, Ctx
from dibwatch.web.limits import DbId, QueryId, upload_name

router = APIRouter(tags=["Lists"])
MAX_DIFF_ROWS = 1000


def _snapshot(info: store.SnapshotInfo) -> dict[str, Any]:
    """A snapshot as JSON; file paths as names only (no server folders in answers)."""
    data = asdict(info)
    data["path"] = Path(info.path).name
    data["files"] = [{**f, "name": Path(str(f.get("name", ""))).name} for f in info.files]
    return data


@router.get("/lists", summary="Every list snapshot, and the current one per source")
def lists(principal: Viewer, ctx: Ctx) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        snaps = store.list_snapshots(ws.engine)
        latest = {s.snapshot_id for s in store.latest_snapshots(ws.engine)}
    return {"snapshots": [{**_snapshot(s), "current": s.snapshot_id in latest}
                          for s in snaps]}


@router.get("/lists/diff", summary="What changed between two snapshots of a source")
def diff(principal: Viewer, ctx: Ctx,
         source: str = Query(..., max_length=100), old: QueryId = None,
         new: QueryId = None) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        if old is None or new is None:
            old, new = store.default_diff_pair(ws.engine, source)
        result = store.diff_snapshots(ws.engine, old, new)
    if result.source != source:
        raise HTTPException(404, f"snapshots {old} and {new} are not of source {source!r}")
    return {"source": result.source, "old": _snapshot(result.old),
            "new": _snapshot(result.new),
            "added": [{"entity_id": e, "caption": c}
                      for e, c in result.added[:MAX_DIFF_ROWS]],
            "removed": [{"entity_id": e, "caption": c}
                        for e, c in result.removed[:MAX_DIFF_ROWS]],
            "changed": [asdict(c) for c in result.changed[:MAX_DIFF_ROWS]],
            "counts": {"added": len(result.added), "removed": len(result.removed),
                       "changed": len(result.changed), "unchanged": result.unchanged}}


@router.get("/lists/{snapshot_id}", summary="One snapshot with its data-quality report")
def snapshot(principal: Viewer, ctx: Ctx, snapshot_id: DbId) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        info = store.get_snapshot(ws.engine, snapshot_id)
        issues = store.load_issues(ws.engine, snapshot_id)
        leftovers = store.load_leftovers(ws.engine, snapshot_id)
    return {**_snapshot(info),
            "issues": [{**dict(zip(("severity", "file", "line", "element", "field",
                                    "message", "value"), r, strict=True)),
                        "file": Path(str(r[1] or "")).name} for r in issues],
            "leftovers": [{"field": f, "count": n} for f, n in leftovers]}


@router.get("/entities/{entity_id}", summary="A list entity as its newest snapshot holds it")
def entity(principal: Viewer, ctx: Ctx, entity_id: str) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        found = store.get_entity(ws.engine, entity_id)
        history = store.entity_history(ws.engine, entity_id)
    return {"entity": found.to_dict(),
            "history": [{"snapshot_id": s, "source": src, "content_hash": h}
                        for s, src, h in history]}


def load_and_check(ctx: AppContext, path: Path, actor: str, source: str | None,
                   fmt: str | None, name: str | None = None) -> dict[str, Any]:
    """Load a list file as a snapshot, then let the monitor compare (a baseline is taken
    first if the monitor never ran). The file is parsed (and inflated, within the upload's
    inflate limit, at background priority) before the workspace lock is taken: the lock
    covers the insert, the index rebuild and the monitor's check, not the parse. New alerts
    go to the webhook's queue."""
    parsed = ctx.jobs.parser.run(parse_list, path, source=source, fmt=fmt)
    if name:
        parsed.path = Path(name)  # the snapshot records the file as the client named it
    monitoring = services.Monitoring(ctx.state, ctx.settings.monitor,
                                     screener=ctx.service.screener, workers=1,
                                     deliver_now=False)
    with ctx.service.locked() as ws:
        result, raised = services.store_list(ws, parsed, actor=actor, monitoring=monitoring,
                                             changed=ctx.service.changed)
    if raised:
        ctx.webhook.notify()
    info = result.snapshot
    return {"snapshot": _snapshot(info), "created": result.created,
            "alerts": [a.to_json() for a in raised]}


def load_upload(ctx: AppContext, file: UploadFile, actor: str, source: str | None,
                fmt: str | None) -> dict[str, Any]:
    name = upload_name(file.filename)
    with tempfile.TemporaryDirectory(prefix="dibwatch-list-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, 1 << 20)
        return load_and_check(ctx, path, actor, source, fmt, name)


@router.post("/lists/load", status_code=201,
             summary="Load a list file as a new snapshot; the monitor then raises alerts")
def load(principal: Analyst, ctx: Ctx,
         file: Annotated[UploadFile, File()], source: str | None = Form(None, max_length=100),
         format: str | None = Form(None, max_length=50)) -> dict[str, Any]:
    return load_upload(ctx, file, principal.user.name, source or None, format or None)
