"""Attribution: rank the groups behind observed tradecraft, and see who attributes with whom.

`rank` and `co_attribution` are shared with the incident and state pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from cyberdiplomacy.attribution import Attribution, Observation, claims
from cyberdiplomacy.errors import InvalidQuery, UnknownAttackIds
from cyberdiplomacy.knowledge import incidents, queries
from cyberdiplomacy.knowledge.queries import MAX_LIMIT
from cyberdiplomacy.sources.bundled import last_attack_run
from cyberdiplomacy.web.api.attribution import engine_for
from cyberdiplomacy.web.app import SessionDep
from cyberdiplomacy.web.pages.common import render

router = APIRouter()
# Repeated (techniques=T1566.001&techniques=T1059) or comma-separated, as the no-JS form sends.
Ids = Annotated[list[str] | None, Query(max_length=500, description="Ids, codes or names")]
Top = Annotated[int, Query(ge=1, le=50, description="Groups to list")]
Key = Annotated[str | None, Query(max_length=120, description="An attributor's ISO3 or slug")]
NO_ATTACK = "No ATT&CK data is imported yet: run `cyberdiplomacy import attack PATH` first."


@dataclass(frozen=True)
class Ranking:
    """The engine's ranking for a page, or the problem that prevented it, its HTTP status and
    the ids to blame."""

    attribution: Attribution | None = None
    problem: str | None = None
    status: int = 200
    invalid: tuple[str, ...] = ()


def rank(request: Request, session: Session, observation: Observation, limit: int) -> Ranking:
    """Rank with the app's cached engine; bad ids are the reader's to fix, so not an error page."""
    if last_attack_run(session) is None:
        return Ranking(problem=NO_ATTACK, status=503)
    try:
        return Ranking(engine_for(request, session).attribute(observation, limit))
    except UnknownAttackIds as exc:
        return Ranking(
            problem=exc.reason, status=exc.status, invalid=(*exc.unknown, *exc.malformed)
        )
    except InvalidQuery as exc:
        return Ranking(problem=exc.reason, status=exc.status)


def co_attribution(session: Session) -> tuple[claims.Network, dict[str, str]]:
    """Who attributed together, and the names of the incidents (by slug) that tie them."""
    found = incidents.list_claims(session)
    return claims.network_of(found), {c.incident: c.incident_name for c in found}


def _split(values: Iterable[str] | None, separators: str = r"[\s,;]+") -> tuple[str, ...]:
    """The non-empty entries of repeated or separated values, first occurrence first."""
    parts = (p.strip() for v in values or () for p in re.split(separators, v))
    return tuple(dict.fromkeys(p for p in parts if p))


@router.get("/attribute")
def attribute(
    request: Request,
    session: SessionDep,
    techniques: Ids = None,
    software: Ids = None,
    victims: Ids = None,
    sectors: Ids = None,
    top: Top = 10,
) -> HTMLResponse:
    """The form, and once submitted the ranking with its evidence; bad ids re-render it (400)."""
    observation = Observation(
        _split(techniques), _split(software), _split(sectors, "[,;]+"), _split(victims)
    )
    ranking = rank(request, session, observation, top) if request.query_params else None
    return render(
        request,
        "attribute.html",
        status_code=ranking.status if ranking else 200,
        observation=observation,
        ranking=ranking,
        top=top,
        state_names={s.iso3: s.name for s in queries.list_states(session, limit=MAX_LIMIT).items},
    )


@router.get("/attribution/network")
def network(request: Request, session: SessionDep, partner: Key = None) -> HTMLResponse:
    """Pairs of attributors who named the same culprit for the same incident, most often first."""
    found, names = co_attribution(session)
    return render(
        request, "network.html", network=found, incident_names=names, partner=partner or ""
    )
