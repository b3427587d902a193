"""Request body size limit, enforced before anything reads the body: a declared
Content-Length over the limit is refused at once; a body without one (chunked) is counted as
it streams and cut off with 413 when it passes the limit."""

from __future__ import annotations

import json
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import Path, Query
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pagination past this is refused with 422: the engines' integer columns stop well short of
# what a query string can spell.
MAX_OFFSET = 10**9
MAX_PAGE_NUMBER = 10**7
# Ids the app state (SQLite) and the workspace (DuckDB BIGINT) can hold: past 2^63 - 1 a
# bound parameter overflows; such an id is answered 422, never 500.
MAX_ID = 2**63 - 1
DbId = Annotated[int, Path(ge=0, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=0, le=MAX_ID)]


def upload_name(filename: str | None) -> str:
    """A file name safe to create in a fresh temporary folder: the last part of what the
    client sent (its suffix tells the list parsers the format), never ``.``/``..``/empty."""
    name = FilePath((filename or "").replace("\\", "/")).name.replace("\x00", "")
    return name if name not in ("", ".", "..") else "upload"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` mid-body: an HTTPException, so the app's own exception
    handling answers 413 (an arbitrary exception would become a 500 on the way out)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body larger than the limit of {max_bytes:,} bytes")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": f"request body larger than the limit of "
                                     f"{self.max_bytes:,} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)
