"""Batch screening: upload a CSV / Parquet of parties, follow the job, cancel it, download
its results (its owner or an admin only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi.responses import FileResponse

from dibwatch.casework.users import Role
from dibwatch.web.auth import Analyst, Principal, Viewer
from dibwatch.web.context import AppContext, Ctx
from dibwatch.web.jobs import Job

router = APIRouter(prefix="/screening", tags=["Matching"])


def job_for(ctx: AppContext, principal: Principal, job_id: str) -> Job:
    return ctx.jobs.get_for(job_id, principal.user.name,
                            admin=principal.user.role >= Role.admin)


@router.post("/jobs", status_code=202, summary="Screen a file of parties in the background")
def submit(principal: Analyst, ctx: Ctx,
           file: Annotated[UploadFile, File(description="CSV or Parquet with a 'name' column")],
           top: int = Form(5, ge=1, le=20), threshold: float | None = Form(None, ge=0, le=1)
           ) -> dict[str, Any]:
    job = ctx.jobs.submit_screening(actor=principal.user.name,
                                    filename=file.filename or "upload", data=file.file,
                                    top=top, threshold=threshold)
    return job.to_json()


@router.get("/jobs/{job_id}", summary="A job's status and progress (its owner or an admin)")
def status(principal: Viewer, ctx: Ctx, job_id: str) -> dict[str, Any]:
    return job_for(ctx, principal, job_id).to_json()


@router.post("/jobs/{job_id}/cancel", summary="Cancel a queued or running job")
def cancel(principal: Analyst, ctx: Ctx, job_id: str) -> dict[str, Any]:
    return ctx.jobs.cancel(job_id, principal.user.name,
                           admin=principal.user.role >= Role.admin).to_json()


@router.get("/jobs/{job_id}/results",
            summary="A finished job's results as CSV (its owner or an admin)")
def results(principal: Viewer, ctx: Ctx, job_id: str) -> FileResponse:
    job = job_for(ctx, principal, job_id)
    if job.status == "expired":
        raise HTTPException(410, f"the results of job {job_id} were deleted after "
                                 f"{ctx.settings.job_retention_hours:g} hours")
    if job.status != "done" or not job.result_path or not Path(job.result_path).exists():
        raise HTTPException(409, f"job {job_id} is {job.status}, not done")
    return FileResponse(job.result_path, media_type="text/csv",
                        filename=f"screening-{job_id}.csv")
