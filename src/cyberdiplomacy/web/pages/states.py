"""States and blocs: who is who, who belongs where, who agreed to what, who attributes with whom."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdiplomacy.knowledge import incidents, queries
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.pages.attribution import co_attribution
from cyberdiplomacy.web.pages.common import PAGE_SIZE, Choice, PageNumber, Text, offset, render
from cyberdiplomacy.web.pages.templating import url

router = APIRouter()


@router.get("/states")
def states(
    request: Request,
    session: SessionDep,
    q: Text = None,
    bloc: Choice = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    """UN member and observer states, filtered by name and bloc."""
    listing = queries.state_listing(
        session, text=q, bloc=bloc, limit=PAGE_SIZE, offset=offset(page)
    )
    return render(request, "states.html", listing=listing, q=q or "", bloc=bloc or "")


@router.get("/states/{code}")
def state(request: Request, session: SessionDep, code: str) -> Response:
    """A state's profile; alpha-2 or lower-case codes redirect to the canonical ISO3 address."""
    profile = queries.state(session, code)
    if code != profile.iso3:
        return RedirectResponse(url("state", profile.iso3), status_code=302)
    return render(
        request,
        "state.html",
        state=profile,
        tlp=profile.tlp,
        incidents=incidents.state_incidents(session, profile.iso3),
        network=co_attribution(session)[0],
    )


@router.get("/blocs")
def blocs(request: Request, session: SessionDep) -> HTMLResponse:
    """Blocs and organisations with their number of members."""
    return render(request, "blocs.html", blocs=queries.list_blocs(session))


@router.get("/blocs/{slug}")
def bloc(request: Request, session: SessionDep, slug: str) -> Response:
    """A bloc's members and join dates."""
    profile = queries.bloc(session, slug)
    if slug != profile.slug:
        return RedirectResponse(url("organization", profile.slug), status_code=302)
    return render(request, "bloc.html", bloc=profile, tlp=profile.tlp)
