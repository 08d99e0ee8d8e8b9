"""Signing in and out, and one's own account: role, organisation and personal API tokens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from cyberdiplomacy.accounts import service
from cyberdiplomacy.config import Settings
from cyberdiplomacy.errors import InvalidQuery, LoginThrottled, NotSignedIn
from cyberdiplomacy.knowledge.access import SYSTEM, bind
from cyberdiplomacy.web.auth import SESSION_COOKIE, viewer
from cyberdiplomacy.web.pages.common import render

router = APIRouter(tags=["account"], include_in_schema=False)
MAX_FORM = 8 * 1024


@contextmanager
def _accounts(request: Request) -> Iterator[Session]:
    """A transaction on the accounts tables (they carry no marking)."""
    with request.app.state.sessions() as session, session.begin():
        bind(session, SYSTEM)
        yield session


async def _fields(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM:
        raise InvalidQuery("form", f"at most {MAX_FORM // 1024} KiB")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The sign-in form."""
    return render(request, "login.html", next=_next(next), username="", error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the user name and password; on success set the session cookie and go on."""
    fields = await _fields(request)
    username, target = fields.get("username", "").strip(), _next(fields.get("next"))
    throttle = request.app.state.login_throttle
    wait = throttle.retry_after(_client(request), time.monotonic())
    settings: Settings = request.app.state.settings
    lifetime = timedelta(hours=settings.session_hours)
    refused: NotSignedIn | LoginThrottled | None = LoginThrottled(wait) if wait else None
    if refused is None:
        with _accounts(request) as session:
            try:
                account = service.sign_in(
                    session, username, fields.get("password", ""), service.now()
                )
                web = service.open_web_session(session, account, service.now(), lifetime)
            except (NotSignedIn, LoginThrottled) as exc:
                refused = exc  # the failure still counts: the transaction commits it
    if refused is not None:
        if isinstance(refused, NotSignedIn):
            throttle.fail(_client(request), time.monotonic())
        return render(
            request,
            "login.html",
            status_code=refused.status,
            next=target,
            username=username,
            error=refused.message(),
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        web.cookie,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """End this browser's session."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with _accounts(request) as session:
            service.close_web_session(session, cookie)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _account_page(request: Request, issued: str | None = None) -> HTMLResponse:
    me = viewer(request)
    if not me.signed_in or me.username is None:
        raise NotSignedIn("Sign in to see your account.")
    with _accounts(request) as session:
        account = next(a for a in service.list_users(session) if a.username == me.username)
        tokens = service.list_tokens(session, me.username)
    return render(request, "account.html", account=account, tokens=tokens, issued=issued)


@router.get("/account")
def account(request: Request) -> Response:
    """Your role, organisation and API tokens."""
    if not viewer(request).signed_in:
        return RedirectResponse("/login?next=/account", status_code=303)
    return _account_page(request)


@router.post("/account/tokens")
async def create_token(request: Request) -> HTMLResponse:
    """Issue a personal API token and show it once."""
    name = (await _fields(request)).get("name", "").strip()[:80] or "script"
    me = viewer(request)
    with _accounts(request) as session:
        issued = service.issue_token(session, me.username or "", name)
    return _account_page(request, issued)


@router.post("/account/tokens/revoke")
async def revoke_token(request: Request) -> Response:
    """Revoke one of your tokens."""
    prefix = (await _fields(request)).get("prefix", "")
    with _accounts(request) as session:
        service.revoke_token(session, viewer(request).username or "", prefix)
    return RedirectResponse("/account", status_code=303)
