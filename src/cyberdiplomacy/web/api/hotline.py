"""REST API v1 for the hotline node the workbench is pointed at: read-only, as `hotline … --json`.

Only hotline points of contact may read it (401 signed out, 403 for other accounts).

409 (problem+json) when no node is configured or its directory holds none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Depends, Request

from cyberdiplomacy.config import Settings
from cyberdiplomacy.hotline import desk
from cyberdiplomacy.hotline.desk import PeerEntry
from cyberdiplomacy.hotline.records import PingRecord, Received, Sent
from cyberdiplomacy.hotline.store import Store
from cyberdiplomacy.web.auth import require_poc

router = APIRouter(prefix="/hotline", tags=["hotline"], dependencies=[Depends(require_poc)])


@contextmanager
def _store(request: Request) -> Iterator[Store]:
    settings: Settings = request.app.state.settings
    node = desk.require_node(settings.hotline_dir)
    with desk.opened(node.directory) as (_, store):
        yield store


@router.get("/inbox")
def inbox(request: Request) -> list[Received]:
    """Messages received, newest first: sender, subject, priority, status (new, read, answered)."""
    with _store(request) as store:
        return store.inbox()[::-1]


@router.get("/outbox")
def outbox(request: Request) -> list[Sent]:
    """Messages sent, newest first: status queued, delivered, read, answered or overdue."""
    with _store(request) as store:
        return store.outbox()[::-1]


@router.get("/peers")
def peers(request: Request) -> list[PeerEntry]:
    """Trusted peers with fingerprints, retired keys and their last ping."""
    with _store(request) as store:
        return desk.peer_entries(store)


@router.get("/pings")
def pings(request: Request) -> list[PingRecord]:
    """The latest 100 pings, newest first: outcome, response time (ms) and detail."""
    with _store(request) as store:
        return store.ping_history()
