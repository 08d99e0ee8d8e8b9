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

from cyberdiplomacy.attribution import Attribution, Observation, claims, service
from cyberdiplomacy.errors import InvalidQuery, NoAttackData, UnknownAttackIds
from cyberdiplomacy.knowledge import incidents, queries
from cyberdiplomacy.knowledge.access import Reader
from cyberdiplomacy.knowledge.queries import MAX_LIMIT
from cyberdiplomacy.web.deps import ReaderDep, SessionDep
from cyberdiplomacy.web.pages.common import render

router = APIRouter()
# Repeated (techniques=T1566.001&techniques=T1059) or comma-separated, as the no-JS form sends.
Ids = Annotated[list[str] | None, Query(max_length=500, description="Ids, codes or names")]
Top = Annotated[int, Query(ge=1, le=50, description="Groups to list")]
Key = Annotated[str | None, Query(max_length=120, description="An attributor's ISO3 or slug")]


@dataclass(frozen=True)
class Ranking:
    """The engine's ranking for a page, or the problem that prevented it, its HTTP status and
    the ids to blame."""

    attribution: Attribution | None = None
    problem: str | None = None
    status: int = 200
    invalid: tuple[str, ...] = ()


def rank(reader: Reader, observation: Observation, limit: int) -> Ranking:
    """Rank for the page's reader; bad ids are the reader's to fix, so not an error page."""
    try:
        return Ranking(service.attribute(reader, observation, limit))
    except NoAttackData as exc:
        return Ranking(problem=exc.message(), status=exc.status)
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
    reader: ReaderDep,
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
    ranking = rank(reader, observation, top) if request.query_params else None
    session = reader.session
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
