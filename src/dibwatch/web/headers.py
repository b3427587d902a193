"""Response headers on every page and answer, and a count of requests in flight.

The Content-Security-Policy admits scripts from this server only (no inline script: the
dashboard's and the API docs' scripts are files under /static), no framing
(``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), no MIME sniffing. Inline
*styles* stay allowed: the charts are SVG with style attributes, and a style cannot run code.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class Activity:
    """Requests in flight (static files aside): background work yields while there are."""

    def __init__(self) -> None:
        self.in_flight = 0

    def busy(self) -> bool:
        return self.in_flight > 0


class SecurityHeaders:
    """Adds :data:`HEADERS` (and ``X-Audit-Trail: broken`` while ``broken()``) to every
    HTTP response; counts requests in flight in ``activity``."""

    def __init__(self, app: ASGIApp, broken: Callable[[], bool], activity: Activity) -> None:
        self.app = app
        self.broken = broken
        self.activity = activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in have]
                if self.broken():
                    extra.append((b"x-audit-trail", b"broken"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        counted = not scope.get("path", "").startswith("/static/")
        if counted:
            self.activity.in_flight += 1
        try:
            await self.app(scope, receive, with_headers)
        finally:
            if counted:
                self.activity.in_flight -= 1

