"""Every error leaves as a JSON 4xx with a message (``{"detail": ...}``, FastAPI's shape),
and dibwatch's own errors map to statuses by type."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from dibwatch.errors import (
    ConfigError,
    DibwatchError,
    FormatError,
    InputError,
    NotFoundError,
)

# Most specific first: the first matching class decides the status.
STATUS_OF: tuple[tuple[type[DibwatchError], int], ...] = (
    (NotFoundError, 404),
    (FormatError, 415),
    (InputError, 422),
    (ConfigError, 400),
)


def _status(exc: DibwatchError) -> int:
    return next((code for kind, code in STATUS_OF if isinstance(exc, kind)), 500)


def install(app: FastAPI) -> None:
    from dibwatch.web.pages import LoginRequired

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(DibwatchError)
    async def dibwatch_error(request: Request, exc: DibwatchError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=_status(exc))

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
