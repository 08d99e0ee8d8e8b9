"""Incidents: what happened, to whom, who said who did it, how sure one can be, and how states
responded."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdiplomacy.attribution import Observation, claims
from cyberdiplomacy.curation import markings, service
from cyberdiplomacy.knowledge import incidents as knowledge
from cyberdiplomacy.knowledge.vocabulary import allowed
from cyberdiplomacy.sources.schemas import IncidentType
from cyberdiplomacy.web.deps import ReaderDep, SessionDep
from cyberdiplomacy.web.pages.attribution import rank
from cyberdiplomacy.web.pages.common import PAGE_SIZE, PageNumber, Text, offset, render
from cyberdiplomacy.web.pages.law import profiles
from cyberdiplomacy.web.pages.templating import url

router = APIRouter()
TYPES = get_args(IncidentType)
SECTORS = sorted(allowed("dhs-ciip-sectors", "DHS-critical-sectors"))
RANKED = 5  # groups shown beside the assessment of the claims


def _one_of(values: Iterable[str]) -> str:
    """A pattern for one of `values` or nothing, as a filter form's 'any' option sends."""
    return f"^({'|'.join(map(re.escape, values))})?$"


State = Annotated[str | None, Query(max_length=3, description="Victim state, ISO3")]
ActorKey = Annotated[str | None, Query(max_length=120, description="Actor name, alias or id")]
# A string, not an int: the form's "any year" option sends an empty value.
Year = Annotated[str | None, Query(pattern=r"^(\d{4})?$", description="Year it started")]
Type = Annotated[str | None, Query(pattern=_one_of(TYPES), description="Incident type")]
Sector = Annotated[str | None, Query(pattern=_one_of(SECTORS), description="DHS CIIP sector")]


@router.get("/incidents")
def incidents(
    request: Request,
    session: SessionDep,
    q: Text = None,
    state: State = None,
    actor: ActorKey = None,
    year: Year = None,
    type: Type = None,
    sector: Sector = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    """Incidents, newest first, filtered by name, victim, actor, year, type and sector."""
    found = knowledge.list_incidents(
        session,
        text=q,
        state=state,
        actor=actor,
        year=int(year) if year else None,
        type=type,
        sector=sector,
        limit=PAGE_SIZE,
        offset=offset(page),
    )
    return render(
        request,
        "incidents.html",
        incidents=found,
        statistics=knowledge.statistics(session),
        types=TYPES,
        filters={
            "q": q or "",
            "state": (state or "").upper(),
            "actor": actor or "",
            "year": year or "",
            "type": type or "",
            "sector": sector or "",
        },
    )


@router.get("/incidents/{key}")
def incident(request: Request, reader: ReaderDep, key: str) -> Response:
    """An incident by slug, name or alias; anything but the slug redirects to the slug.

    Its claims are weighed into an assessment, shown beside what its tradecraft alone suggests.
    """
    session = reader.session
    found = knowledge.incident(session, key)
    if key != found.slug:
        return RedirectResponse(url("incident", found.slug), status_code=302)
    observed = Observation(
        tuple(t.attack_id for t in found.techniques), tuple(s.attack_id for s in found.software)
    )
    return render(
        request,
        "incident.html",
        incident=found,
        tlp=found.tlp,
        profiles=profiles(session),
        editable=markings.may_edit(reader.viewer, service.find(reader, service.INCIDENT, key)),
        assessment=claims.assess(claims.facts(found.claims)),
        ranking=rank(reader, observed, RANKED)
        if observed.techniques or observed.software
        else None,
    )
