"""The Hotline pages: one node's inbox and outbox, composing, its peer directory and ping test.

The workbench is pointed at one node directory (`serve --hotline DIR`). Pages open the node's
store per request through `hotline.desk` and close it again; sending, acknowledging and
replying only queue into the store, as the CLI does, and the running `hotline serve` process
delivers. Forms that change state are refused when they come from another site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdiplomacy.config import Settings
from cyberdiplomacy.errors import CrossSiteRequest, InvalidQuery, KeyLocked, UnknownPeer
from cyberdiplomacy.hotline import desk, identity
from cyberdiplomacy.hotline.store import Store
from cyberdiplomacy.web.auth import require_poc
from cyberdiplomacy.web.pages.common import render

MAX_FORM = 256 * 1024  # bytes: a 64 KiB message, percent-encoded, with room to spare
MESSAGE_ID = re.compile(r"[0-9a-f]{6,32}")
OUTCOME_LABELS = {
    "reachable": "Reachable",
    "unreachable": "Unreachable",
    "refused": "Refused",
    "key_mismatch": "Key mismatch",
    "equivocation": "Equivocation",
}


def same_origin(request: Request) -> None:
    """Refuse a POST whose Origin (or, lacking one, Referer) is not this host."""
    host = request.headers.get("host", "").lower()
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        raise CrossSiteRequest("the request says neither Origin nor Referer")
    came_from = urlsplit(source).netloc.lower()
    if not host or came_from != host:
        raise CrossSiteRequest(f"it came from {came_from or source[:80]!r}")


async def form_fields(request: Request) -> dict[str, str]:
    """An HTML form's fields (application/x-www-form-urlencoded), last value wins."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise InvalidQuery("form", "send it as an HTML form (application/x-www-form-urlencoded)")
    body = await request.body()
    if len(body) > MAX_FORM:
        raise InvalidQuery("form", f"at most {MAX_FORM // 1024} KiB")
    try:
        return dict(parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=20))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidQuery("form", "it is not a well-formed HTML form") from exc


Form = Annotated[dict[str, str], Depends(form_fields)]
router = APIRouter(prefix="/hotline", dependencies=[Depends(require_poc)])
posts = APIRouter(dependencies=[Depends(same_origin)])  # included in `router` below


# Shared presentation -------------------------------------------------------------------------


def when(ms: int | None) -> str:
    """A stored timestamp (ms) in UTC, as the CLI shows it, to the minute."""
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def span(ms: int) -> str:
    """A duration in the two largest units: 1 d 4 h, 2 h 5 min, 40 s."""
    seconds = abs(ms) // 1000
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (seconds, "s")]
    shown = [f"{n} {unit}" for n, unit in parts if n][:2]
    return " ".join(shown) or "0 s"


def due(respond_by: int | None, now: int) -> str:
    """How long is left before an answer is due, or how late it is."""
    if respond_by is None:
        return ""
    return f"in {span(respond_by - now)}" if respond_by >= now else f"{span(now - respond_by)} late"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A Hotline page, with the helpers its templates share."""
    return render(
        request,
        name,
        status_code,
        section="hotline",
        when=when,
        due=due,
        outcomes=OUTCOME_LABELS,
        node_dir=_settings(request).hotline_dir,
        **context,
    )


def _setup(request: Request, status_code: int = 200) -> HTMLResponse | None:
    """The set-up page when no node is configured (or its directory holds none), else None."""
    root = _settings(request).hotline_dir
    if desk.is_node(root):
        return None
    return _page(request, "hotline_setup.html", status_code, configured=root)


@contextmanager
def _desk(request: Request) -> Iterator[tuple[identity.Identity, Store]]:
    root = _settings(request).hotline_dir
    assert root is not None  # checked by `_setup` first
    with desk.opened(root) as opened:
        yield opened


def _message_id(value: str) -> str:
    if not MESSAGE_ID.fullmatch(value):
        raise UnknownPeer("message", value[:40])
    return value


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# Inbox and outbox ----------------------------------------------------------------------------


@router.get("")
def index(request: Request, sent: str = "") -> HTMLResponse:
    """Inbox and outbox, newest first, with statuses, priorities and deadlines."""
    if (setup := _setup(request)) is not None:
        return setup
    with _desk(request) as (node, store):
        inbox, outbox, peers, now = store.inbox(), store.outbox(), store.peers(), store.now()
        fingerprint = desk.fingerprint(node)
    sent_message = next((m for m in outbox if m.id == sent), None)
    return _page(
        request,
        "hotline.html",
        node=node,
        fingerprint=fingerprint,
        inbox=inbox[::-1],
        outbox=outbox[::-1],
        peers=peers,
        now=now,
        sent=sent_message,
    )


def _message_page(
    request: Request, message_id: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    with _desk(request) as (node, store):
        message, now = store.received(_message_id(message_id)), store.now()
    return _page(
        request, "hotline_message.html", status_code, node=node, m=message, now=now, **context
    )


@router.get("/messages/{message_id}")
def message(request: Request, message_id: str, done: str = "") -> HTMLResponse:
    """One received message: its text, its status, and the Acknowledge and Reply forms."""
    if (setup := _setup(request)) is not None:
        return setup
    return _message_page(
        request, message_id, done=done if done == "acknowledged" else "", errors={}
    )


@posts.post("/messages/{message_id}/ack")
def acknowledge(request: Request, message_id: str) -> Response:
    """Mark the message read: the node sends its sender a signed read acknowledgement."""
    if (setup := _setup(request, 409)) is not None:
        return setup
    with _desk(request) as (_, store):
        acked = store.ack(_message_id(message_id))
    return _see_other(f"/hotline/messages/{acked.id}?done=acknowledged")


@posts.post("/messages/{message_id}/reply")
def reply(request: Request, message_id: str, form: Form) -> Response:
    """Answer the message (acknowledging it); the reply is queued for the node to deliver."""
    if (setup := _setup(request, 409)) is not None:
        return setup
    body = form.get("body", "")
    if problem := desk.check_body(body):
        return _message_page(request, message_id, 400, errors={"body": problem}, body=body)
    with _desk(request) as (node, store):
        reply_id = store.reply(node.name, _message_id(message_id), body)
    return _see_other(f"/hotline?sent={reply_id}")


# Compose -------------------------------------------------------------------------------------

COMPOSE_FIELDS = ("to", "subject", "body", "priority", "respond_within")


def _compose_page(
    request: Request, form: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> HTMLResponse:
    with _desk(request) as (node, store):
        peers = store.peers()
    return _page(
        request,
        "hotline_compose.html",
        status_code,
        node=node,
        peers=peers,
        form=form,
        errors=errors,
    )


@router.get("/compose")
def compose(request: Request, to: str = "") -> HTMLResponse:
    """The form for a new message to a trusted peer."""
    if (setup := _setup(request)) is not None:
        return setup
    return _compose_page(request, {"to": to, "priority": "routine"}, {})


@posts.post("/compose")
def send(request: Request, form: Form) -> Response:
    """Queue the message as `hotline send` does and show it in the outbox; 400 names bad fields."""
    if (setup := _setup(request, 409)) is not None:
        return setup
    fields = {name: form.get(name, "") for name in COMPOSE_FIELDS}
    with _desk(request) as (node, store):
        names = [peer.name for peer in store.peers()]
        draft, errors = desk.check_draft(names, **fields)
        if draft is not None:
            message_id = store.queue(
                node.name,
                draft.to,
                draft.subject,
                draft.body,
                priority=draft.priority,
                respond_within_ms=draft.respond_within_ms,
            )
    if draft is None:
        return _compose_page(request, fields, errors, 400)
    return _see_other(f"/hotline?sent={message_id}")


# Peers and pings -----------------------------------------------------------------------------


@router.get("/peers")
def peers(request: Request) -> HTMLResponse:
    """The peer directory: endpoints, fingerprints, key rotations and the last ping of each."""
    if (setup := _setup(request)) is not None:
        return setup
    with _desk(request) as (node, store):
        entries, now = desk.peer_entries(store), store.now()
        fingerprint = desk.fingerprint(node)
    return _page(
        request, "hotline_peers.html", node=node, fingerprint=fingerprint, entries=entries, now=now
    )


def _pings_page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    with _desk(request) as (node, store):
        entries, history = desk.peer_entries(store), store.ping_history(50)
    settings = _settings(request)
    return _page(
        request,
        "hotline_pings.html",
        status_code,
        node=node,
        entries=entries,
        history=history,
        locked=desk.keys_locked(node) and settings.hotline_passphrase_file is None,
        **context,
    )


@router.get("/pings")
def pings(request: Request, ran: int = 0) -> HTMLResponse:
    """The ping report: each peer's last outcome and response time, and the recent history."""
    if (setup := _setup(request)) is not None:
        return setup
    return _pings_page(request, ran=max(0, ran))


@posts.post("/pings")
def run_pings(request: Request, form: Form) -> Response:
    """Ping every peer (or the one named) with the node's keys, as `hotline ping` does."""
    if (setup := _setup(request, 409)) is not None:
        return setup
    settings = _settings(request)
    root = settings.hotline_dir
    assert root is not None  # checked by `_setup`
    try:
        results = desk.ping_peers(root, settings.hotline_passphrase_file, form.get("peer") or None)
    except KeyLocked as exc:
        return _pings_page(request, exc.status, ran=0, key_error=exc.message())
    return _see_other(f"/hotline/pings?ran={len(results)}")


router.include_router(posts)
