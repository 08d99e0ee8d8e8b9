"""The dashboard and search: where a reader starts and how they find a record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import incidents, queries
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.pages import vendor
from cyberdiplomacy.web.pages.common import render

router = APIRouter()


@router.get("/")
def dashboard(request: Request, session: SessionDep) -> HTMLResponse:
    """What the knowledge base holds, incidents by year and by victim, and where to go next."""
    return render(
        request,
        "dashboard.html",
        dashboard=queries.dashboard(session),
        incidents=incidents.statistics(session),
        world_map=vendor.world_map_ready(),
    )


@router.get("/search")
def search(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200, description="Name, alias or ATT&CK id")] = "",
) -> HTMLResponse:
    """Search results grouped by kind; too-short input is the reader's to fix, so a 400 page."""
    if not q.strip():
        return render(request, "search.html", q=q, hits=None)
    try:
        hits = queries.search(session, q)
    except InvalidQuery as exc:
        return render(request, "search.html", status_code=400, q=q, hits=None, error=exc.reason)
    return render(request, "search.html", q=q, hits=hits)
