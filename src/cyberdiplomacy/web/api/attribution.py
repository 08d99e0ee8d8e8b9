"""REST API v1 for attribution: TTP ranking, claim assessments and the co-attribution network."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cyberdiplomacy.attribution import Attribution, Observation, claims, service
from cyberdiplomacy.knowledge import incidents
from cyberdiplomacy.web.deps import ReaderDep, SessionDep

router = APIRouter(tags=["attribution"])


class ObservationIn(BaseModel):
    """What was observed: ATT&CK ids, and optionally target sectors and victim states."""

    techniques: list[str] = Field(default=[], max_length=500, examples=[["T1566.001"]])
    software: list[str] = Field(default=[], max_length=200, examples=[["S0154"]])
    sectors: list[str] = Field(default=[], max_length=50)
    victims: list[str] = Field(default=[], max_length=200, examples=[["UKR"]])
    top: int = Field(default=10, ge=1, le=200)


@router.post("/attribute")
def attribute(reader: ReaderDep, observed: ObservationIn) -> Attribution:
    """Rank threat groups and sponsor states for observed techniques and software."""
    observation = Observation(
        tuple(observed.techniques),
        tuple(observed.software),
        tuple(observed.sectors),
        tuple(observed.victims),
    )
    return service.attribute(reader, observation, observed.top)


@router.get("/incidents/{key}/assessment")
def assessment(session: SessionDep, key: str) -> claims.Assessment:
    """The public attribution claims about an incident, weighed into one assessment."""
    return claims.assess(claims.facts(incidents.list_claims(session, incident=key)))


@router.get("/attribution/network")
def network(
    session: SessionDep,
    partner: Annotated[str | None, Query(max_length=120, description="ISO3 or slug")] = None,
) -> dict[str, Any]:
    """Who attributes together: ties between attributors, or one attributor's partners."""
    web = claims.network_of(incidents.list_claims(session))
    if partner:
        return {
            "partner": partner,
            "partners": [
                {"key": p, "name": web.names[p], "incidents": n} for p, n in web.partners(partner)
            ],
        }
    return {"names": web.names, "ties": [asdict(t) | {"count": t.count} for t in web.ties]}
