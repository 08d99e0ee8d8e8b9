"""Web hardening: security headers, a request body limit, a Host allowlist, and a cap on the
costly computations running at once.

The first three are pure ASGI middlewares, outside everything else, so that they hold for every
answer (pages, API, static files, errors) and act before any body is read or route looked up:

- `SecurityHeaders` sets a Content-Security-Policy without inline or foreign scripts (JSON data
  islands, `<script type="application/json">`, are data and need no permission) and the
  classic `nosniff`, `same-origin` referrer and `DENY` framing headers. Styles allow
  'unsafe-inline' because plotly.js injects a `<style>` element and writes `style="…"`
  attributes on the SVG it draws (and the pages draw their bars with inline widths). The
  interactive API docs (/docs, /redoc) load their scripts from a CDN with an inline start-up
  script, so they get a policy of their own.
- `BodyLimit` answers 413 to a body over the limit: at once when its Content-Length says so,
  else (a chunked body) as soon as the bytes read pass the limit, whatever the app was doing.
- `HostAllowlist` answers 400 to a Host header not in the allowlist, which defeats DNS
  rebinding (a hostile page whose name resolves to 127.0.0.1).

`CostlyGate` bounds the analyses that take seconds (fits and forecasts) per process: a request
that finds every slot taken is turned away with 429 and Retry-After instead of queueing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cyberdiplomacy.errors import Busy

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # plotly.js: an injected <style> and style attributes
        "img-src 'self' data:",  # plotly.js draws heat maps as data: images
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Swagger UI and ReDoc as FastAPI serves them: scripts and styles from jsDelivr, an inline start.
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
        "font-src 'self' https://fonts.gstatic.com",
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
LOOPBACK = ("localhost", "127.0.0.1", "::1")
RETRY_AFTER = 10  # seconds: about what the costliest analysis takes


async def _problem(send: Send, scope: Scope, status: int, title: str, detail: str) -> None:
    """An RFC 9457 problem+json answer, sent straight to the server (no app involved)."""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": scope.get("path", ""),
        }
    ).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add the CSP and the other security headers to every HTTP answer that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_CSP if scope.get("path", "") in DOCS_PATHS else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised into the app when a streamed body passes the limit, to stop it reading."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is over the limit of {limit} bytes.")


class BodyLimit:
    """Answer 413 to a request whose body is over `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, scope: Scope, send: Send) -> None:
        detail = f"The request body is over the limit of {self.max_bytes} bytes."
        await _problem(send, scope, 413, "Request body too large", detail)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _problem(send, scope, 400, "Bad request", "Invalid Content-Length.")
                return
            if int(declared) > self.max_bytes:
                await self._refuse(scope, send)
                return
        received = 0
        exceeded = started = refused = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, refused
            if exceeded and not started:
                # Whatever the app answers once the body overflowed, the client gets the 413.
                if not refused:
                    refused = True
                    await self._refuse(scope, send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise  # the app's own error; one raised by the overflow is answered below
        if exceeded and not started and not refused:
            await self._refuse(scope, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1")).strip()
    return None


def host_name(header: str) -> str:
    """The name in a Host header, without its port: `[::1]:8000` → `::1`, lower-cased."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    if header.count(":") > 1:
        return header  # a bare IPv6 address
    return header.partition(":")[0].rstrip(".")


class HostAllowlist:
    """Answer 400 to a request whose Host is not one of `hosts` (`*` allows any)."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(host_name(h) if h != "*" else h for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or "*" in self.hosts:
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if host is None or host_name(host) not in self.hosts:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            detail = "This server does not answer for that Host (see CYBERDIPLOMACY_ALLOWED_HOSTS)."
            await _problem(send, scope, 400, "Invalid Host header", detail)
            return
        await self.app(scope, receive, send)


class CostlyGate:
    """At most `limit` costly computations at once; the next one is refused, not queued."""

    def __init__(self, limit: int, retry_after: int = RETRY_AFTER) -> None:
        self._slots = threading.BoundedSemaphore(limit) if limit > 0 else None
        self.retry_after = retry_after

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot while the block runs; `Busy` (429) when none is free."""
        if self._slots is None or not self._slots.acquire(blocking=False):
            raise Busy(self.retry_after)
        try:
            yield
        finally:
            self._slots.release()


def costly(request: Request) -> Iterator[None]:
    """Route dependency: the request holds one of the app's costly-computation slots."""
    gate: CostlyGate = request.app.state.costly
    with gate.slot():
        yield


COSTLY = Depends(costly)  # `@router.get(…, dependencies=[COSTLY])`
