"""Who reads, and what they may see: viewers, readers, and TLP 2.0 enforced in one place.

Every session the workbench opens is bound to a `Viewer` (`reader(...)`). One `do_orm_execute`
hook adds the viewer's TLP criteria to every ORM read of a marked record, so a page, an API
route, a search, a count, a map, an export, a briefing or a cached model built from that
session can only see what the viewer may see:

- TLP:CLEAR to everyone;
- TLP:GREEN to signed-in users;
- TLP:AMBER and TLP:AMBER+STRICT to the owning organisation, AMBER also to the organisations
  it is shared with;
- TLP:RED to its named recipients only.

A session bound to no viewer reads as an anonymous visitor. Only importers and migrations of
the whole base read as `SYSTEM`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, event, exists, or_, true
from sqlalchemy.orm import ORMExecuteState, Session, aliased
from sqlalchemy.orm.util import LoaderCriteriaOption

from cyberdiplomacy.knowledge.models import (
    AccessGrant,
    Actor,
    AttributionClaim,
    Incident,
    Instrument,
    Marked,
    Membership,
    Norm,
    Participation,
    Position,
    Response,
    RollCall,
    Source,
)

MARKED: tuple[type[Marked], ...] = (
    Actor,
    AttributionClaim,
    Incident,
    Instrument,
    Membership,
    Norm,
    Participation,
    Position,
    Response,
    RollCall,
    Source,
)
ON_INCIDENT: tuple[type[AttributionClaim] | type[Response], ...] = (AttributionClaim, Response)


class Role(enum.StrEnum):
    """What an account may do; each role may do everything the ones before it may."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    CURATOR = "curator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


@dataclass(frozen=True)
class Viewer:
    """Who reads: an account (with its organisation and role), an anonymous visitor, or the system.

    `poc` marks the hotline points of contact, who may read and send the node's messages.
    """

    user_id: int | None = None
    username: str | None = None
    organisation_id: int | None = None
    role: Role | None = None
    poc: bool = False
    system: bool = field(default=False, repr=False)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    def may(self, role: Role) -> bool:
        """True when the viewer holds `role` or a higher one."""
        return self.system or (self.role is not None and self.role.at_least(role))

    @property
    def clearance(self) -> str:
        """A key naming what this viewer can see: equal keys see the same records."""
        if self.system:
            return "system"
        if not self.signed_in:
            return "clear"
        return f"user:{self.user_id}:org:{self.organisation_id}"


ANONYMOUS = Viewer()
SYSTEM = Viewer(username="system", role=Role.ADMIN, system=True)


@dataclass(frozen=True)
class Reader:
    """A session bound to its viewer: what services take to read and write on someone's behalf."""

    session: Session
    viewer: Viewer


def bind(session: Session, viewer: Viewer) -> Reader:
    """Bind `session` to `viewer`: from now on its reads see only what the viewer may see."""
    session.info["viewer"] = viewer
    return Reader(session, viewer)


def viewer_of(session: Session) -> Viewer:
    """The viewer `session` reads as (anonymous unless bound)."""
    found = session.info.get("viewer", ANONYMOUS)
    assert isinstance(found, Viewer)
    return found


def _granted(
    table: str, record_id: SQLColumnExpression[int], viewer: Viewer, *, user: bool
) -> ColumnElement[bool]:
    who = (
        AccessGrant.user_id == viewer.user_id
        if user
        else AccessGrant.organisation_id == viewer.organisation_id
    )
    return exists().where(AccessGrant.table == table, AccessGrant.record_id == record_id, who)


def visible(entity: type[Marked], viewer: Viewer) -> ColumnElement[bool]:
    """The SQL condition under which `viewer` may read a record of `entity` (a class or alias)."""
    if viewer.system:
        return true()
    tlp = entity.tlp
    table = entity.__tablename__
    clauses: list[ColumnElement[bool]] = [tlp == "clear"]
    if viewer.signed_in:
        clauses.append(tlp == "green")
        clauses.append(_granted_red(entity, table, viewer))
        if viewer.organisation_id is not None:
            clauses.append(
                and_(
                    tlp.in_(("amber", "amber+strict")),
                    entity.owner_id == viewer.organisation_id,
                )
            )
            clauses.append(and_(tlp == "amber", _granted(table, entity.id, viewer, user=False)))
    return or_(*clauses)


def _granted_red(entity: type[Marked], table: str, viewer: Viewer) -> ColumnElement[bool]:
    return and_(entity.tlp == "red", _granted(table, entity.id, viewer, user=True))


class _Criteria(LoaderCriteriaOption):
    """A loader criterion that also holds for aliases of its entity wherever they appear.

    SQLAlchemy adapts a plain criterion to an alias in WHERE but not in the ON clause of an
    explicit join (`join(Sponsor, Actor.sponsor_id == Sponsor.id)`), where it would filter the
    unaliased table instead; adapting it here covers both (adapting twice changes nothing).
    """

    # The same cache key as the superclass: resolving the criterion is pure.
    _traverse_internals = LoaderCriteriaOption._traverse_internals

    def __init__(self, entity: type[Marked], criterion: ColumnElement[bool]) -> None:
        super().__init__(entity, criterion, include_aliases=True)

    def _resolve_where_criteria(self, ext_info: Any) -> ColumnElement[bool]:
        criterion = super()._resolve_where_criteria(ext_info)
        if getattr(ext_info, "is_aliased_class", False):
            adapted: ColumnElement[bool] = ext_info._adapter.traverse(criterion)
            return adapted
        return criterion


def _criteria(viewer: Viewer) -> list[_Criteria]:
    options = [
        _Criteria(entity, visible(entity, viewer)) for entity in MARKED if entity not in ON_INCIDENT
    ]
    # A claim or response is no more visible than the incident it is about.
    for entity in ON_INCIDENT:
        parent = aliased(Incident)
        about_visible = or_(
            entity.incident_id.is_(None),
            exists().where(parent.id == entity.incident_id, visible(parent, viewer)),
        )
        options.append(_Criteria(entity, and_(visible(entity, viewer), about_visible)))
    return options


@event.listens_for(Session, "do_orm_execute")
def _enforce_tlp(state: ORMExecuteState) -> None:
    """Add the viewer's TLP criteria to every ORM read (and bulk update or delete)."""
    viewer = viewer_of(state.session)
    # Relationship and column loads inherit the criteria from the query that loaded their parent.
    if viewer.system or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(*_criteria(viewer))


__all__ = ["ANONYMOUS", "SYSTEM", "Reader", "Role", "Viewer", "bind", "viewer_of", "visible"]
