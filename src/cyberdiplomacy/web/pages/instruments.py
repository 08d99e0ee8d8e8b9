"""Instruments: the treaties, reports and declarations states signed up to, and their norms."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdiplomacy.knowledge import instruments as knowledge
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.pages.common import render
from cyberdiplomacy.web.pages.templating import url

router = APIRouter()


@router.get("/instruments")
def instruments(request: Request, session: SessionDep) -> HTMLResponse:
    """Every instrument, oldest first, with its number of norms and participants."""
    return render(request, "instruments.html", instruments=knowledge.list_instruments(session))


@router.get("/instruments/{slug}")
def instrument(request: Request, session: SessionDep, slug: str) -> Response:
    """An instrument's norms and participants; other spellings of the slug redirect to it."""
    found = knowledge.instrument(session, slug)
    if slug != found.slug:
        return RedirectResponse(url("instrument", found.slug), status_code=302)
    return render(request, "instrument.html", instrument=found, tlp=found.tlp)
