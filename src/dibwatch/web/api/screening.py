"""Batch screening: upload a CSV / Parquet of parties, follow the job, download results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi.responses import FileResponse

from dibwatch.web.auth import Analyst, Viewer
from dibwatch.web.context import AppContext, Ctx
from dibwatch.web.jobs import Job

router = APIRouter(prefix="/screening", tags=["Matching"])


def _job(ctx: AppContext, job_id: str) -> Job:
    job = ctx.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return job


@router.post("/jobs", status_code=202, summary="Screen a file of parties in the background")
def submit(principal: Analyst, ctx: Ctx,
           file: Annotated[UploadFile, File(description="CSV or Parquet with a 'name' column")],
           top: int = Form(5, ge=1, le=20), threshold: float | None = Form(None, ge=0, le=1)
           ) -> dict[str, Any]:
    job = ctx.jobs.submit_screening(actor=principal.user.name,
                                    filename=file.filename or "upload", data=file.file.read(),
                                    top=top, threshold=threshold)
    return job.to_json()


@router.get("/jobs/{job_id}", summary="A job's status and progress")
def status(principal: Viewer, ctx: Ctx, job_id: str) -> dict[str, Any]:
    return _job(ctx, job_id).to_json()


@router.get("/jobs/{job_id}/results", summary="A finished job's results as CSV")
def results(principal: Viewer, ctx: Ctx, job_id: str) -> FileResponse:
    job = _job(ctx, job_id)
    if job.status != "done" or not job.result_path:
        raise HTTPException(409, f"job {job_id} is {job.status}, not done")
    return FileResponse(job.result_path, media_type="text/csv",
                        filename=f"screening-{job_id}.csv")
