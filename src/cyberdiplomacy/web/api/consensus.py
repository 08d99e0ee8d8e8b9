"""REST API v1 for the UN General Assembly analyses: agreement, cohesion, cyber focus, forecast."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from cyberdiplomacy.consensus import agreement, blocs, cyber
from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.knowledge import votes
from cyberdiplomacy.web.app import SessionDep

router = APIRouter(prefix="/unga", tags=["unga"])
RECENT_SESSIONS = 10  # the forecasts learn from five sessions, each described by earlier ones
Code = Annotated[str, Query(min_length=2, max_length=3, description="A voter's code, e.g. USA")]
Year = Annotated[int | None, Query(ge=1946, le=2100)]


def vote_data(
    session: Session, *, recent: bool = False
) -> tuple[votes.VoteTable, dict[str, list[votes.Tenure]]]:
    """The recorded votes (the last sessions only if `recent`) and the blocs; 400 without votes."""
    latest = votes.latest_session(session)
    if latest is None:
        raise InvalidQuery("votes", "no UNGA votes yet: run `cyberdiplomacy import unga DIR`")
    first = latest - RECENT_SESSIONS + 1 if recent else None
    return votes.vote_table(session, first_session=first), votes.bloc_tenures(session)


@router.get("/agreement")
def pair_agreement(
    session: SessionDep,
    a: Code,
    b: Code,
    issue: Annotated[str | None, Query(max_length=60, description="e.g. hr")] = None,
    since: Year = None,
    until: Year = None,
) -> agreement.Agreement:
    """How often two states voted alike, overall and per session."""
    table, _ = vote_data(session)
    return agreement.agreement(table, a, b, issue=issue, since=since, until=until)


@router.get("/cohesion/{bloc}")
def bloc_cohesion(session: SessionDep, bloc: str) -> blocs.Cohesion:
    """A bloc's Agreement Index and Rice index per session."""
    table, tenures = vote_data(session)
    if bloc not in tenures:
        raise NotFound("bloc", bloc)
    return blocs.cohesion(table, bloc, tenures[bloc])


@router.get("/cyber")
def cyber_focus(session: SessionDep) -> cyber.Rivals:
    """The rival ICT-security resolutions of 2018: bridges, bloc splits and swing states."""
    from cyberdiplomacy.consensus.forecast import Forecaster  # scikit-learn: only when needed

    table, tenures = vote_data(session, recent=True)
    return cyber.rivals(table, tenures, Forecaster(table, tenures))


@router.get("/forecast", response_model=None)
def forecast(
    session: SessionDep,
    title: Annotated[str, Query(min_length=3, max_length=300, description="The draft's title")],
    session_number: Annotated[int, Query(alias="session", ge=2, le=200)],
    like: Annotated[list[str] | None, Query(max_length=5, description="e.g. A/RES/73/27")] = None,
) -> Any:
    """Every member's forecast vote (yes/no/abstain with probabilities) on a draft."""
    from cyberdiplomacy.consensus.forecast import Forecaster

    table, tenures = vote_data(session, recent=True)
    return Forecaster(table, tenures).forecast(title, session_number, like or [])
