"""REST API v1 for states' positions on the contested questions: the positions, a question's
map, and the common ground of a set of draft provisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from cyberdiplomacy.consensus import agreement, common_ground, maps
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import positions, votes
from cyberdiplomacy.web.deps import SessionDep

router = APIRouter(prefix="/positions", tags=["positions"])
SIMILAR_SESSIONS = 5  # the sessions whose votes say which states are alike, for estimates
MAX_PROVISIONS = 16
Issue = Annotated[
    str, Query(max_length=60, description=f"A contested question: {', '.join(maps.QUESTIONS)}")
]


class CommonGroundRequest(BaseModel):
    """Draft provisions, and optionally the states to count support from (default: UN members)."""

    model_config = ConfigDict(extra="forbid")

    provisions: list[common_ground.Provision] = Field(min_length=1, max_length=MAX_PROVISIONS)
    states: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] | None = Field(
        default=None, min_length=1, max_length=250
    )


def stances(session: Session) -> dict[str, dict[str, str]]:
    """Every state's recorded stance per question: ISO3 → issue → stance."""
    return {
        state: {issue: p.stance for issue, p in found.items()}
        for state, found in positions.profiles(session).items()
    }


def find_common_ground(
    session: Session, provisions: list[common_ground.Provision], states: list[str] | None = None
) -> common_ground.CommonGround:
    """The broadest package of `provisions`; states without a position are estimated from the
    states voting most like them over the last sessions recorded, if any."""
    members = votes.member_states(session)
    if states is not None:
        unknown = sorted(set(states) - set(members))
        if unknown:
            raise InvalidQuery("states", f"not UN member states: {', '.join(unknown)}")
    latest = votes.latest_session(session)
    recent = (
        votes.vote_table(session, first_session=latest - SIMILAR_SESSIONS + 1) if latest else None
    )
    similarity = agreement.agreement_matrix(recent) if recent is not None else None
    return common_ground.common_ground(
        provisions, stances(session), list(dict.fromkeys(states or members)), similarity
    )


@router.get("")
def list_positions(
    session: SessionDep,
    issue: Annotated[
        str | None, Query(max_length=60, description="Only this question, e.g. ihl-applies")
    ] = None,
    state: Annotated[str | None, Query(max_length=3, description="Only this state (ISO3)")] = None,
) -> list[positions.PositionRecord]:
    """States' published stances on the contested questions, with their sources."""
    if issue is not None:
        maps.question(issue)  # 400 for an unknown question
    return positions.list_positions(session, issue=issue, state=state)


@router.get("/map")
def position_map(session: SessionDep, issue: Issue) -> maps.StanceMap:
    """One question's world map: each state's stance (ISO3 → stance) and the counts."""
    return maps.stance_map(stances(session), issue)


@router.post("/common-ground")
def post_common_ground(
    session: SessionDep, body: CommonGroundRequest
) -> common_ground.CommonGround:
    """Each state's expected support for draft provisions, and the broadest package of them."""
    return find_common_ground(session, body.provisions, body.states)
