"""REST API v1 for the UN General Assembly analyses: agreement, cohesion, ideal points, cyber
focus, forecast."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from cyberdiplomacy.consensus import agreement, blocs, cyber, ideal
from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.knowledge import votes
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.security import COSTLY

router = APIRouter(prefix="/unga", tags=["unga"])
RECENT_SESSIONS = 10  # the forecasts learn from five sessions, each described by earlier ones
Code = Annotated[str, Query(min_length=2, max_length=3, description="A voter's code, e.g. USA")]
Year = Annotated[int | None, Query(ge=1946, le=2100)]
SessionNumber = Annotated[int | None, Query(ge=1, le=200, description="A session, e.g. 73")]
MAX_IDEAL_SESSIONS = 40  # ideal points over time: the first request fits every session asked
MAX_STATES = 60
DEFAULT_BLOCS = ("eu", "nato", "sco", "brics", "asean", "au", "g77")  # g77 when the base has it


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


def codes(states: str | None, default: tuple[str, ...] = ideal.FOLLOWED) -> list[str]:
    """Comma-separated ISO3 codes, upper-cased, at most MAX_STATES (`default` when none)."""
    if not states:
        return list(default)
    chosen = list(dict.fromkeys(c.strip().upper() for c in states.split(",") if c.strip()))
    if not 1 <= len(chosen) <= MAX_STATES:
        raise InvalidQuery("states", f"give between 1 and {MAX_STATES} ISO3 codes")
    return chosen


def session_range(latest: int, first: int | None, last: int | None) -> tuple[int, int]:
    """The sessions asked for: by default the last twenty up to `last` (or the latest)."""
    last = min(last, latest) if last is not None else latest
    first = first if first is not None else max(1, last - ideal.RECENT_SESSIONS + 1)
    if first > last:
        raise InvalidQuery("first", f"session {first} is after session {last}")
    if last - first + 1 > MAX_IDEAL_SESSIONS:
        raise InvalidQuery("first", f"ask for at most {MAX_IDEAL_SESSIONS} sessions at a time")
    return first, last


def ideal_over_time(
    session: Session, first: int | None, last: int | None, states: list[str] | None
) -> ideal.IdealPointsOverTime:
    """Ideal points of `states` (all if None) over a range of sessions (see `session_range`)."""
    latest = votes.latest_session(session)
    if latest is None:
        raise InvalidQuery("votes", "no UNGA votes yet: run `cyberdiplomacy import unga DIR`")
    first, last = session_range(latest, first, last)
    table = votes.vote_table(session, first_session=first)
    table = table.rows(table.sessions <= last)
    first = max(first, int(table.sessions.min())) if len(table) else first  # none recorded before
    return ideal.over_time(table, range(first, last + 1), states)


def present_blocs(tenures: dict[str, list[votes.Tenure]], blocs: str | None) -> list[str]:
    """Comma-separated bloc slugs (lower-cased), or the default ones the base has."""
    if not blocs:
        return [b for b in DEFAULT_BLOCS if b in tenures]
    return list(dict.fromkeys(b.strip().lower() for b in blocs.split(",") if b.strip()))


@router.get("/ideal-points", dependencies=[COSTLY])
def ideal_points(
    session: SessionDep,
    first: SessionNumber = None,
    last: SessionNumber = None,
    states: Annotated[
        str | None,
        Query(max_length=400, description="ISO3 codes, comma-separated, or `all`"),
    ] = None,
) -> ideal.IdealPointsOverTime:
    """States' ideal points (score and rank) per session, by default over the last 20 sessions
    and for ten states of the main camps; at most 40 sessions at a time."""
    chosen = None if states and states.strip().lower() == "all" else codes(states)
    return ideal_over_time(session, first, last, chosen)


@router.get("/cohesion")
def blocs_cohesion(
    session: SessionDep,
    blocs_: Annotated[
        str | None,
        Query(alias="blocs", max_length=400, description="Bloc slugs, comma-separated"),
    ] = None,
    first: SessionNumber = None,
    last: SessionNumber = None,
) -> list[blocs.Cohesion]:
    """Several blocs' cohesion per session (by default EU, NATO, SCO, BRICS, ASEAN, AU, G77)."""
    table, tenures = vote_data(session)
    if first is not None:
        table = table.rows(table.sessions >= first)
    if last is not None:
        table = table.rows(table.sessions <= last)
    return blocs.compare(table, tenures, present_blocs(tenures, blocs_))


@router.get("/cyber", dependencies=[COSTLY])
def cyber_focus(session: SessionDep) -> cyber.Rivals:
    """The rival ICT-security resolutions of 2018: bridges, bloc splits and swing states."""
    from cyberdiplomacy.consensus.forecast import Forecaster  # scikit-learn: only when needed

    table, tenures = vote_data(session, recent=True)
    return cyber.rivals(table, tenures, Forecaster(table, tenures))


@router.get("/forecast", response_model=None, dependencies=[COSTLY])
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
