"""The UN General Assembly pages: the cyber focus, a world map of one vote or its forecast, and a
heat map of agreement among a bloc or a chosen set of states; ideal points and bloc cohesion over
time, each a line chart with its table."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cyberdiplomacy.consensus import agreement, blocs, cyber, maps
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import votes
from cyberdiplomacy.web.api import consensus as api
from cyberdiplomacy.web.api.consensus import vote_data
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.pages import vendor
from cyberdiplomacy.web.pages.common import render
from cyberdiplomacy.web.security import COSTLY

router = APIRouter()
DEFAULT_BLOC = "g20"
MAX_STATES = 60
MODES = ("vote", "forecast")
SessionNumber = Annotated[int | None, Query(ge=1, le=200, description="A session, e.g. 73")]


def _codes(states: str | None, bloc: str, table: votes.VoteTable, tenures: Any) -> list[str]:
    """The states of the heat map: the chosen ones, or the bloc's current members that voted."""
    if states:
        chosen = [c.strip().upper() for c in states.split(",") if c.strip()]
        if not 2 <= len(chosen) <= MAX_STATES:
            raise InvalidQuery("states", f"give between 2 and {MAX_STATES} ISO3 codes")
        for code in chosen:
            table.column(code)  # NotFound for a code without a voting record
        return chosen
    if bloc not in tenures:
        raise InvalidQuery("bloc", f"{bloc!r} is not one of {', '.join(sorted(tenures))}")
    current = {t.iso3 for t in tenures[bloc] if t.until is None}
    return [c for c in table.codes if c in current]


@router.get("/unga", dependencies=[COSTLY])
def unga(
    request: Request,
    session: SessionDep,
    symbol: Annotated[str, Query(max_length=40, description="The roll call to map")] = cyber.RIVALS[
        0
    ],
    mode: Annotated[str, Query(max_length=10, description="vote or forecast")] = "vote",
    bloc: Annotated[str, Query(max_length=40, description="The heat map's bloc")] = DEFAULT_BLOC,
    states: Annotated[
        str | None, Query(max_length=400, description="The heat map's states, comma-separated")
    ] = None,
) -> HTMLResponse:
    """The cyber focus, the map and the heat map; the import command while no votes exist."""
    if votes.latest_session(session) is None:
        return render(request, "consensus.html", section="unga", has_votes=False)
    if mode not in MODES:
        raise InvalidQuery("mode", f"{mode!r} is not one of {', '.join(MODES)}")
    from cyberdiplomacy.consensus.forecast import Forecaster  # scikit-learn: only when needed

    table, tenures = vote_data(session, recent=True)
    forecaster = Forecaster(table, tenures)
    focus = cyber.rivals(table, tenures, forecaster)
    row = table.find(symbol)
    found = table.symbols[row] or symbol
    probabilities: dict[str, dict[str, float]] = {}
    if mode == "vote":
        stances = maps.vote_map(table, found)
        map_title = f"Votes on {found} ({table.titles[row]}), session {table.sessions[row]}"
    else:
        next_session = int(table.sessions.max()) + 1
        result = forecaster.forecast(table.titles[row], next_session, like=[found])
        stances = {m.iso3: m.vote for m in result.members}
        probabilities = {m.iso3: m.probabilities for m in result.members}
        map_title = (
            f"Forecast for the next {found} round ({table.titles[row]}), session {next_session}"
        )
    names = dict(zip(table.codes, table.names, strict=True))
    vote_data_json = {
        "iso3": list(stances),
        "name": [names[c] for c in stances],
        "vote": list(stances.values()),
        "probabilities": [probabilities.get(c) for c in stances],
    }
    codes = _codes(states, bloc, table, tenures)
    matrix = agreement.agreement_matrix(table, codes) if codes else None
    return render(
        request,
        "consensus.html",
        section="unga",
        has_votes=True,
        focus=focus,
        symbol=found,
        mode=mode,
        bloc=bloc,
        states=states or "",
        blocs=sorted(tenures),
        map_title=map_title,
        map_data=vote_data_json,
        tally={v: list(stances.values()).count(v) for v in ("yes", "no", "abstain")},
        matrix=matrix,
        sessions=(int(table.sessions.min()), int(table.sessions.max())),
        world_map=vendor.world_map_ready(),
    )


@router.get("/unga/ideal-points", dependencies=[COSTLY])
def ideal_points(
    request: Request,
    session: SessionDep,
    first: SessionNumber = None,
    last: SessionNumber = None,
    states: Annotated[
        str | None, Query(max_length=400, description="ISO3 codes, comma-separated")
    ] = None,
) -> HTMLResponse:
    """Chosen states' ideal points, session by session, as ranks or scores."""
    if votes.latest_session(session) is None:
        return render(request, "unga_ideal.html", section="unga", has_votes=False)
    chosen = api.codes(states)
    result = api.ideal_over_time(session, first, last, chosen)
    placed = {t.code for t in result.states}
    chart = [
        {
            "code": t.code,
            "name": t.name,
            "session": [p.session for p in t.places],
            "rank": [p.rank for p in t.places],
            "of": [p.of for p in t.places],
            "score": [p.score for p in t.places],
        }
        for t in result.states
    ]
    return render(
        request,
        "unga_ideal.html",
        section="unga",
        has_votes=True,
        result=result,
        chart=chart,
        states=",".join(chosen),
        missing=[c for c in chosen if c not in placed],
        first=min(result.sessions + result.skipped),
        last=max(result.sessions + result.skipped),
    )


@router.get("/unga/cohesion")
def cohesion(
    request: Request,
    session: SessionDep,
    bloc: Annotated[
        list[str] | None, Query(max_length=20, description="Bloc slugs (repeat the parameter)")
    ] = None,
    first: SessionNumber = None,
    last: SessionNumber = None,
) -> HTMLResponse:
    """Several blocs' cohesion per session: Agreement Index or Rice index, chart and table."""
    if votes.latest_session(session) is None:
        return render(request, "unga_cohesion.html", section="unga", has_votes=False)
    table, tenures = vote_data(session)
    span = (int(table.sessions.min()), int(table.sessions.max()))
    if first is not None and last is not None and first > last:
        raise InvalidQuery("first", f"session {first} is after session {last}")
    if first is not None:
        table = table.rows(table.sessions >= first)
    if last is not None:
        table = table.rows(table.sessions <= last)
    chosen = api.present_blocs(tenures, ",".join(bloc or []))
    found = blocs.compare(table, tenures, chosen)
    chart = [
        {
            "bloc": c.bloc,
            "session": [p.session for p in c.sessions],
            "year": [p.year for p in c.sessions],
            "agreement_index": [p.agreement_index for p in c.sessions],
            "rice": [p.rice for p in c.sessions],
            "members": [p.members for p in c.sessions],
        }
        for c in found
    ]
    return render(
        request,
        "unga_cohesion.html",
        section="unga",
        has_votes=True,
        cohesion=found,
        chart=chart,
        chosen=chosen,
        blocs=sorted(tenures),
        first=first if first is not None else span[0],
        last=last if last is not None else span[1],
        span=span,
    )
