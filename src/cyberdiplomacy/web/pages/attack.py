"""ATT&CK techniques and software, so that an actor's tradecraft can be followed up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.pages.common import PAGE_SIZE, Choice, PageNumber, Text, offset, render
from cyberdiplomacy.web.pages.templating import url

router = APIRouter()
SoftwareType = Annotated[str | None, Query(pattern="^(malware|tool)?$")]


@router.get("/techniques")
def techniques(
    request: Request,
    session: SessionDep,
    q: Text = None,
    tactic: Choice = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    """Current ATT&CK techniques, filtered by name or id and by tactic."""
    found = queries.list_techniques(
        session, text=q, tactic=tactic or None, limit=PAGE_SIZE, offset=offset(page)
    )
    return render(
        request,
        "techniques.html",
        techniques=found,
        tactics=queries.TACTIC_ORDER,
        q=q or "",
        tactic=tactic or "",
    )


@router.get("/techniques/{attack_id}")
def technique(request: Request, session: SessionDep, attack_id: str) -> Response:
    """A technique with its sub-techniques and the groups known to use it."""
    found = queries.technique(session, attack_id)
    if attack_id != found.attack_id:
        return RedirectResponse(url("technique", found.attack_id), status_code=302)
    return render(request, "technique.html", technique=found)


@router.get("/software")
def software_list(
    request: Request,
    session: SessionDep,
    q: Text = None,
    type: SoftwareType = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    """Current ATT&CK malware and tools, filtered by name or id and by type."""
    found = queries.list_software(
        session, text=q, type=type or None, limit=PAGE_SIZE, offset=offset(page)
    )
    return render(request, "software_list.html", software=found, q=q or "", type=type or "")


@router.get("/software/{attack_id}")
def software(request: Request, session: SessionDep, attack_id: str) -> Response:
    """A piece of malware or a tool with the groups that use it and its techniques."""
    found = queries.software(session, attack_id)
    if attack_id != found.attack_id:
        return RedirectResponse(url("software", found.attack_id), status_code=302)
    return render(request, "software.html", software=found)
