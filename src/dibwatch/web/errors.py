"""Every error leaves as JSON (``{"detail": ...}``, FastAPI's shape): dibwatch's own errors
map to statuses by type, and anything unexpected is a JSON 500 that says nothing of the
server's internals. Messages never show the server's folders: an input's location names
the file as the client sent it."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from dibwatch.errors import (
    BusyError,
    ConfigError,
    DibwatchError,
    FormatError,
    InputError,
    NotFoundError,
    PermissionDenied,
    SchemaVersionError,
    TooLargeError,
    WorkspaceError,
)

# Most specific first: the first matching class decides the status.
STATUS_OF: tuple[tuple[type[DibwatchError], int], ...] = (
    (NotFoundError, 404),
    (PermissionDenied, 403),
    (TooLargeError, 413),
    (FormatError, 415),
    (InputError, 422),
    (ConfigError, 400),
    (BusyError, 503),
    (SchemaVersionError, 500),
    (WorkspaceError, 503),
)
log = logging.getLogger("dibwatch.web")


def _status(exc: DibwatchError) -> int:
    return next((code for kind, code in STATUS_OF if isinstance(exc, kind)), 500)


def public_message(exc: DibwatchError, private_dirs: list[str]) -> str:
    """The message with the server's folders taken out (an upload's temporary folder, the
    workspace's)."""
    if isinstance(exc, InputError) and exc.location is not None:
        loc = replace(exc.location, file=Path(exc.location.file).name)
        text = f"{loc}: {exc.message}"
    else:
        text = str(exc)
    for folder in sorted(private_dirs, key=len, reverse=True):
        if folder and folder != "/":
            text = text.replace(folder.rstrip("/") + "/", "").replace(folder, "…")
    return text


def install(app: FastAPI) -> None:
    from dibwatch.web.pages import LoginRequired

    def private_dirs(request: Request) -> list[str]:
        ctx = request.app.state.ctx
        return [str(Path(ctx.service.path).resolve().parent),
                str(Path(ctx.state.path).resolve().parent), str(ctx.jobs.dir.resolve()),
                str(Path(tempfile.gettempdir()).resolve()), tempfile.gettempdir()]

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(DibwatchError)
    async def dibwatch_error(request: Request, exc: DibwatchError) -> JSONResponse:
        headers = ({"Retry-After": str(max(1, round(exc.retry_after)))}
                   if isinstance(exc, BusyError) else None)
        return JSONResponse({"detail": public_message(exc, private_dirs(request))},
                            status_code=_status(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""),
                   "type": e.get("type", "")} for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return JSONResponse({"detail": f"invalid request: {where}: {first['msg']}",
                             "errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(OverflowError)
    async def overflow(request: Request, exc: OverflowError) -> JSONResponse:
        # A number past what the stores hold (an id over 2^63) that no route bound caught.
        return JSONResponse({"detail": "a number in the request is out of range"},
                            status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error: the server could not answer this "
                                       "request (the error is in the server's log)"},
                            status_code=500)
