"""Who is asking: one middleware resolves every request's viewer and guards every write.

A request is read as the account of its API token (`Authorization: Bearer cdw_…`), else of its
browser session cookie, else as an anonymous visitor (TLP:CLEAR only). Writes:

- a request that is not safe (POST, PUT, PATCH, DELETE, …) needs an account (401), except the
  computations open to everyone (`OPEN`) and signing in;
- a browser's write must carry its session's CSRF token, as the form field `csrf` or the
  `X-CSRF-Token` header (403); signing in carries the anonymous CSRF cookie's token;
- a bad or revoked token is 401 on any request, never silently anonymous.

So an anonymous or badly authenticated write is 401/403 whatever the path or method, before
any route is looked up.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from cyberdiplomacy.accounts import credentials, service
from cyberdiplomacy.errors import CrossSiteRequest, CyberDiplomacyError, Forbidden, NotSignedIn
from cyberdiplomacy.knowledge.access import ANONYMOUS, SYSTEM, Viewer, bind
from cyberdiplomacy.web.problems import domain_problem

SESSION_COOKIE = "cdw_session"
CSRF_COOKIE = "cdw_csrf"  # the anonymous visitor's token, for the sign-in form
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
# Computations anyone may ask for: they read, rank and answer, but store nothing.
OPEN = frozenset({"/api/v1/attribute", "/api/v1/positions/common-ground"})
SIGN_IN = "/login"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class Credentials:
    """What a request proved: its viewer, its CSRF token, and how it signed in."""

    viewer: Viewer
    csrf: str
    via: str  # "token", "cookie" or "anonymous"


def resolve(sessions: sessionmaker[Session], request: Request) -> Credentials:
    """The request's credentials, looked up in the accounts (blocking: run in a thread)."""
    authorization = request.headers.get("authorization")
    cookie = request.cookies.get(SESSION_COOKIE)
    moment = service.now()
    with sessions() as session, session.begin():
        bind(session, SYSTEM)
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotSignedIn("Send the API token as 'Authorization: Bearer cdw_…'.")
            viewer = service.token_viewer(session, token.strip(), moment)
            if viewer is None:
                raise NotSignedIn("The API token is unknown, revoked, or its account disabled.")
            return Credentials(viewer, "", "token")
        if cookie:
            found = service.web_viewer(session, cookie, moment)
            if found is not None:
                return Credentials(found[0], found[1], "cookie")
    anonymous = request.cookies.get(CSRF_COOKIE) or credentials.new_secret()
    return Credentials(ANONYMOUS, anonymous, "anonymous")


async def _sent_csrf(request: Request) -> str:
    """The CSRF token a write carries: its header, else its form field."""
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == FORM_TYPES[0]:
        # The body is read again by the route: Starlette keeps it for the request.
        body = await request.body()
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return fields.get("csrf", "")
    if kind == FORM_TYPES[1]:
        form = await request.form()
        value = form.get("csrf")
        return value if isinstance(value, str) else ""
    return ""


async def guard_write(request: Request, found: Credentials) -> None:
    """Refuse a write that has no account behind it, or a browser's write without its token."""
    path = request.url.path.rstrip("/") or "/"
    if path in OPEN or found.via == "token":
        return
    if path == SIGN_IN:
        expected = request.cookies.get(CSRF_COOKIE, "")
    elif found.via == "anonymous":
        raise NotSignedIn("Sign in to change anything (or send an API token).")
    else:
        expected = found.csrf
    sent = await _sent_csrf(request)
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CrossSiteRequest("it does not carry this browser's form token; reload the page")


async def authenticate(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Resolve the viewer into `request.state`, guard writes, and hand out the CSRF cookie."""
    try:
        found = await run_in_threadpool(resolve, request.app.state.sessions, request)
        request.state.viewer = found.viewer
        request.state.csrf = found.csrf
        if request.method not in SAFE:
            await guard_write(request, found)
    except CyberDiplomacyError as exc:
        return domain_problem(request, exc)
    response = await call_next(request)
    if found.via == "anonymous" and request.cookies.get(CSRF_COOKIE) != found.csrf:
        response.set_cookie(
            CSRF_COOKIE,
            found.csrf,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


def viewer(request: Request) -> Viewer:
    """The viewer `authenticate` found for this request."""
    found = getattr(request.state, "viewer", ANONYMOUS)
    assert isinstance(found, Viewer)
    return found


def require_poc(request: Request) -> Viewer:
    """A dependency: the viewer must be signed in as a hotline point of contact."""
    found = viewer(request)
    if not found.signed_in:
        raise NotSignedIn("Sign in as a hotline point of contact to use the Hotline.")
    if not found.poc:
        raise Forbidden(
            "use the Hotline", "an account marked as a point of contact (users add --poc)"
        )
    return found
