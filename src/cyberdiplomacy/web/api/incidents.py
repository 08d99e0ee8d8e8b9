"""REST API v1 for incidents, attribution claims, responses, instruments and norms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cyberdiplomacy.knowledge import incidents, instruments
from cyberdiplomacy.knowledge.records import Page
from cyberdiplomacy.web.api.params import Key, Limit, Offset, Text
from cyberdiplomacy.web.deps import SessionDep

router = APIRouter()


@router.get("/incidents", tags=["incidents"])
def list_incidents(
    session: SessionDep,
    q: Text = None,
    state: Annotated[str | None, Query(max_length=3, description="Victim state, ISO3")] = None,
    actor: Annotated[
        str | None, Query(max_length=120, description="Actor slug, id or alias")
    ] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    type: Annotated[str | None, Query(max_length=40, description="e.g. sabotage")] = None,
    sector: Annotated[str | None, Query(max_length=40, description="DHS CIIP sector")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[incidents.IncidentSummary]:
    """Incidents, newest first."""
    return incidents.list_incidents(
        session,
        text=q,
        state=state,
        actor=actor,
        year=year,
        type=type,
        sector=sector,
        limit=limit,
        offset=offset,
    )


@router.get("/incidents/{key}", tags=["incidents"])
def incident(session: SessionDep, key: str) -> incidents.IncidentDetail:
    """An incident by slug, name or alias, with its claims, responses and timeline."""
    return incidents.incident(session, key)


@router.get("/claims", tags=["incidents"])
def list_claims(
    session: SessionDep,
    incident: Key = None,
    attributor: Key = None,
    accused: Key = None,
    form: Key = None,
) -> list[incidents.Claim]:
    """Public attribution claims by date."""
    return incidents.list_claims(
        session, incident=incident, attributor=attributor, accused=accused, form=form
    )


@router.get("/responses", tags=["incidents"])
def list_responses(
    session: SessionDep, incident: Key = None, responder: Key = None, type: Key = None
) -> list[incidents.ResponseRecord]:
    """Responses (sanctions, indictments, expulsions, statements) by date."""
    return incidents.list_responses(session, incident=incident, responder=responder, type=type)


@router.get("/states/{code}/incidents", tags=["states"])
def state_incidents(session: SessionDep, code: str) -> incidents.StateRecordings:
    """Incidents a state suffered and the attributions it made and received."""
    return incidents.state_incidents(session, code)


@router.get("/instruments", tags=["instruments"])
def list_instruments(session: SessionDep) -> list[instruments.InstrumentSummary]:
    """Treaties, reports, resolutions and declarations."""
    return instruments.list_instruments(session)


@router.get("/instruments/{slug}", tags=["instruments"])
def instrument(session: SessionDep, slug: str) -> instruments.InstrumentDetail:
    """An instrument with its norms and participants."""
    return instruments.instrument(session, slug)


@router.get("/norms", tags=["instruments"])
def list_norms(session: SessionDep, instrument: Key = None) -> list[instruments.NormRecord]:
    """Norms of responsible state behaviour, by code."""
    return instruments.list_norms(session, instrument)
