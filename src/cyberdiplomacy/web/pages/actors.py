"""Threat actors: who they are, who is suspected to sponsor them, and how they operate."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.pages.common import PAGE_SIZE, Choice, PageNumber, Text, offset, render
from cyberdiplomacy.web.pages.templating import url

router = APIRouter()


@router.get("/actors")
def actors(
    request: Request,
    session: SessionDep,
    q: Text = None,
    sponsor: Choice = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    """Threat groups, filtered by name or alias and by suspected sponsor state."""
    listing = queries.actor_listing(
        session, text=q, sponsor=sponsor, limit=PAGE_SIZE, offset=offset(page)
    )
    return render(request, "actors.html", listing=listing, q=q or "", sponsor=sponsor or "")


@router.get("/actors/{key}")
def actor(request: Request, session: SessionDep, key: str) -> Response:
    """An actor by slug, ATT&CK id or alias; anything but the slug redirects to the slug."""
    profile = queries.actor(session, key)
    if key != profile.slug or profile.kind in ("state", "organization"):
        return RedirectResponse(url(profile.kind, profile.slug), status_code=302)
    return render(
        request, "actor.html", actor=profile, tlp=profile.tlp, state_names=profile.state_names
    )
