"""REST API v1 for curation: create and edit incidents, claims and responses; history; revert.

Writes need an account (an API token, or a browser session with its CSRF token): analysts
write their organisation's records, curators any record they can read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from cyberdiplomacy.curation import service
from cyberdiplomacy.knowledge import incidents
from cyberdiplomacy.sources import schemas
from cyberdiplomacy.web.deps import ReaderDep, WriterDep

router = APIRouter(tags=["curation"])
Slug = Annotated[str, Path(max_length=120)]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class Stored(BaseModel):
    """Where a new or changed record now lives."""

    kind: str
    key: str
    url: str


class ShareIn(BaseModel):
    """With whom to share: an organisation (TLP:AMBER) or one person (TLP:RED)."""

    organisation: str | None = Field(None, max_length=80)
    user: str | None = Field(None, max_length=80)


def _stored(kind: str, key: str | int) -> Stored:
    plural = {"incident": "incidents", "claim": "claims", "response": "responses"}[kind]
    return Stored(kind=kind, key=str(key), url=f"/api/v1/{plural}/{key}")


@router.post("/incidents", status_code=201)
def create_incident(writer: WriterDep, record: schemas.Incident) -> incidents.IncidentDetail:
    """Enter a new incident, owned by your organisation."""
    made = service.create(writer, service.INCIDENT, record)
    return incidents.incident(writer.session, made.slug)


@router.put("/incidents/{slug}")
def update_incident(
    writer: WriterDep, slug: Slug, record: schemas.Incident
) -> incidents.IncidentDetail:
    """Replace an incident's content (its slug stays)."""
    service.update(writer, service.INCIDENT, slug, record)
    return incidents.incident(writer.session, slug)


@router.get("/incidents/{slug}/history")
def incident_history(reader: ReaderDep, slug: Slug) -> list[service.Change]:
    """Every change to an incident, newest first."""
    return service.history(reader, service.INCIDENT, slug)


@router.post("/incidents/{slug}/share", status_code=204)
def share_incident(writer: WriterDep, slug: Slug, share: ShareIn) -> None:
    """Let another organisation (AMBER) or a named person (RED) read the incident."""
    service.share(writer, service.INCIDENT, slug, organisation=share.organisation, user=share.user)


@router.post("/claims", status_code=201)
def create_claim(writer: WriterDep, record: schemas.Claim) -> Stored:
    """Enter an attribution claim about an incident you can read."""
    return _stored("claim", service.create(writer, service.CLAIM, record).id)


@router.put("/claims/{key}")
def update_claim(writer: WriterDep, key: Id, record: schemas.Claim) -> Stored:
    """Replace an attribution claim's content."""
    return _stored("claim", service.update(writer, service.CLAIM, key, record).id)


@router.get("/claims/{key}/history")
def claim_history(reader: ReaderDep, key: Id) -> list[service.Change]:
    """Every change to an attribution claim, newest first."""
    return service.history(reader, service.CLAIM, key)


@router.post("/responses", status_code=201)
def create_response(writer: WriterDep, record: schemas.Response) -> Stored:
    """Enter a response (a statement, sanctions, an indictment, …)."""
    return _stored("response", service.create(writer, service.RESPONSE, record).id)


@router.put("/responses/{key}")
def update_response(writer: WriterDep, key: Id, record: schemas.Response) -> Stored:
    """Replace a response's content."""
    return _stored("response", service.update(writer, service.RESPONSE, key, record).id)


@router.get("/responses/{key}/history")
def response_history(reader: ReaderDep, key: Id) -> list[service.Change]:
    """Every change to a response, newest first."""
    return service.history(reader, service.RESPONSE, key)


@router.post("/changes/{key}/revert")
def revert(writer: WriterDep, key: Id) -> Stored | None:
    """Undo one change (curators): the record returns to what it was before it."""
    kept = service.revert(writer, key)
    if kept is None:
        return None
    change_kind = service.KINDS[kept.__tablename__].name
    return _stored(change_kind, getattr(kept, "slug", None) or kept.id)
