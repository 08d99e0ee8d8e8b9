"""REST API v1 for states, blocs, threat actors, ATT&CK techniques and software, and search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cyberdiplomacy.knowledge import queries, records
from cyberdiplomacy.web.api.params import Limit, Offset, Text
from cyberdiplomacy.web.deps import SessionDep

router = APIRouter()


@router.get("/overview", tags=["overview"])
def overview(session: SessionDep) -> records.Overview:
    """What the knowledge base holds, per kind."""
    return queries.overview(session)


@router.get("/states", tags=["states"])
def list_states(
    session: SessionDep,
    q: Text = None,
    bloc: Annotated[str | None, Query(description="Bloc slug, e.g. nato")] = None,
    un_status: Annotated[str | None, Query(pattern="^(member|observer)$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> records.Page[records.ActorSummary]:
    """UN member and observer states, by name."""
    return queries.list_states(
        session, text=q, bloc=bloc, un_status=un_status, limit=limit, offset=offset
    )


@router.get("/states/{code}", tags=["states"])
def state(session: SessionDep, code: str) -> records.StateProfile:
    """A state by ISO 3166-1 alpha-3 (or alpha-2) code."""
    return queries.state(session, code)


@router.get("/blocs", tags=["blocs"])
def list_blocs(session: SessionDep) -> list[records.Bloc]:
    """Blocs and organisations with their number of members."""
    return queries.list_blocs(session)


@router.get("/blocs/{slug}", tags=["blocs"])
def bloc(session: SessionDep, slug: str) -> records.BlocProfile:
    """A bloc with its members and join dates."""
    return queries.bloc(session, slug)


@router.get("/actors", tags=["actors"])
def list_actors(
    session: SessionDep,
    q: Text = None,
    kind: Annotated[str | None, Query(description="Actor kind; default threat_group")] = None,
    sponsor: Annotated[str | None, Query(description="ISO3 of the suspected sponsor")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> records.Page[records.ActorSummary]:
    """Threat actors (or other kinds), by name."""
    return queries.list_actors(
        session, text=q, kind=kind, sponsor=sponsor, limit=limit, offset=offset
    )


@router.get("/actors/{key}", tags=["actors"])
def actor(session: SessionDep, key: str) -> records.ActorProfile:
    """An actor by slug, ATT&CK id (G0007) or alias (Fancy Bear)."""
    return queries.actor(session, key)


@router.get("/techniques", tags=["attack"])
def list_techniques(
    session: SessionDep,
    q: Text = None,
    tactic: Annotated[str | None, Query(description="ATT&CK tactic, e.g. impact")] = None,
    subtechniques: bool = True,
    limit: Limit = 50,
    offset: Offset = 0,
) -> records.Page[records.TechniqueSummary]:
    """ATT&CK techniques and sub-techniques (not revoked), by id."""
    return queries.list_techniques(
        session, text=q, tactic=tactic, subtechniques=subtechniques, limit=limit, offset=offset
    )


@router.get("/techniques/{attack_id}", tags=["attack"])
def technique(session: SessionDep, attack_id: str) -> records.TechniqueDetail:
    """A technique with its sub-techniques and the groups that use it."""
    return queries.technique(session, attack_id)


@router.get("/software", tags=["attack"])
def list_software(
    session: SessionDep,
    q: Text = None,
    type: Annotated[str | None, Query(pattern="^(malware|tool)$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> records.Page[records.SoftwareSummary]:
    """ATT&CK malware and tools (not revoked), by id."""
    return queries.list_software(session, text=q, type=type, limit=limit, offset=offset)


@router.get("/software/{attack_id}", tags=["attack"])
def software(session: SessionDep, attack_id: str) -> records.SoftwareDetail:
    """A piece of software with the groups that use it and its techniques."""
    return queries.software(session, attack_id)


@router.get("/search", tags=["search"])
def search(
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Limit = 50,
) -> list[records.SearchHit]:
    """Actors, states, techniques and software by name, alias or ATT&CK id."""
    return queries.search(session, q, limit)
